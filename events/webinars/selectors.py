"""Reads of the webinar admin: whose accounts and meetings a user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from events.models import (
    EventPage,
    EventSession,
    MeetingOperation,
    SessionMeeting,
    WebinarAccount,
)
from home.areas.membership import user_is_coordinator
from home.areas.permissions import PartnerScopedPolicy
from home.models import Partner

# A partner's moderators set up its accounts; the coordinators everyone's. Editors see none.
account_policy = PartnerScopedPolicy(
    WebinarAccount,
    partner_path="partner",
    member_actions=(),
    moderator_actions=("view", "add", "change", "delete"),
)
# A partner's editors and moderators see their events' meetings and may try again.
meeting_policy = PartnerScopedPolicy(
    EventPage, partner_path="partner", member_actions=("meetings",)
)


def account_partners(user) -> QuerySet[Partner]:
    """The partners whose accounts the user may set up: all for the coordinators, else those
    the user moderates."""
    if user_is_coordinator(user):
        return Partner.objects.all()
    return Partner.objects.filter(moderators_group__in=user.groups.all())


def meeting_events(user) -> QuerySet[EventPage]:
    """The events with a platform, or with meetings left, that the user may see."""
    allowed = meeting_policy.instances_user_has_permission_for(user, "meetings")
    with_meetings = SessionMeeting.objects.values("event_id")
    return (allowed.exclude(webinar_platform="") | allowed.filter(pk__in=with_meetings)).order_by(
        "-first_start", "pk"
    )


def event_meetings(event: EventPage) -> list[dict]:
    """Each session of the event with its meeting (or none yet), and meetings of sessions
    removed since, with their latest operation."""
    latest = MeetingOperation.objects.order_by("-pk")
    meetings = {
        m.session_id: m
        for m in SessionMeeting.objects.filter(event=event).prefetch_related(
            Prefetch("operations", queryset=latest)
        )
    }
    rows = []
    for session in EventSession.objects.filter(event=event).order_by("sort_order", "pk"):
        meeting = meetings.pop(session.pk, None)
        rows.append({"session": session, "meeting": meeting, "operation": _latest(meeting)})
    for meeting in meetings.values():
        rows.append({"session": None, "meeting": meeting, "operation": _latest(meeting)})
    return rows


def _latest(meeting: SessionMeeting | None) -> MeetingOperation | None:
    if meeting is None:
        return None
    operations = list(meeting.operations.all())
    return operations[0] if operations else None
