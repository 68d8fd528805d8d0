"""A permission policy for admin views of rows that belong to a partner (through a path).

Wagtail's own model permissions are all-or-nothing per model; the centre's rule is per partner:
a partner's editors and moderators see their partner's rows, moderators act on them, and the
coordinators see and act on everyone's. Written on Wagtail's ``BasePermissionPolicy`` so the
generic admin views, menus and buttons all ask the same question.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from home.areas.membership import partners_of_user, user_is_coordinator
from home.models.vocabulary import Partner


def _moderated_partners(user) -> QuerySet[Partner]:
    if user_is_coordinator(user):
        return Partner.objects.all()
    return Partner.objects.filter(moderators_group__in=user.groups.all())


class PartnerScopedPolicy(BasePermissionPolicy):
    """``member_actions`` for the partner's groups, ``moderator_actions`` for its moderators;
    any other action (add, change, delete unless named) for nobody.

    ``partner_path`` leads from the model to its partner (``"event__partner"``); rows with no
    partner are the coordinators' alone.
    """

    def __init__(
        self,
        model,
        *,
        partner_path: str,
        member_actions: tuple[str, ...] = ("view",),
        moderator_actions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(model)
        self.partner_path = partner_path
        self.member_actions = member_actions
        self.moderator_actions = moderator_actions

    def _partners(self, user, action: str) -> QuerySet[Partner] | None:
        if not user.is_active or not user.is_authenticated:
            return None
        if action in self.member_actions:
            return partners_of_user(user)
        if action in self.moderator_actions:
            return _moderated_partners(user)
        return None

    def user_has_permission(self, user, action: str) -> bool:
        partners = self._partners(user, action)
        return partners is not None and (user_is_coordinator(user) or partners.exists())

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(
            Q(is_superuser=True)
            | Q(groups__partner_as_editors__isnull=False)
            | Q(groups__partner_as_moderators__isnull=False)
        ).distinct()

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        if user_is_coordinator(user) and any(self._partners(user, a) is not None for a in actions):
            return manager.all()
        allowed = Partner.objects.none()
        for action in actions:
            partners = self._partners(user, action)
            if partners is not None:
                allowed = allowed | partners
        return manager.filter(**{f"{self.partner_path}__in": allowed})

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return (
            self.instances_user_has_any_permission_for(user, [action])
            .filter(pk=instance.pk)
            .exists()
        )
