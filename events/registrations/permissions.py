"""Who may see and act on registrations in the admin: a partner's editors and moderators see
their own partner's events' registrations (the coordinators and superusers everyone's), and
only moderators act on them."""

from __future__ import annotations

from wagtail.permissions import register_permission_policy

from events.models import Registration
from home.areas.permissions import PartnerScopedPolicy

registration_policy = PartnerScopedPolicy(
    Registration,
    partner_path="event__partner",
    moderator_actions=("approve", "decline", "promote", "cancel", "attend"),
)
register_permission_policy(Registration, registration_policy)
