"""Who may see and manage webhook receivers and deliveries: a partner's people see their own,
the coordinators manage all."""

from __future__ import annotations

from wagtail.permissions import register_permission_policy

from api.models import WebhookDelivery, WebhookEndpoint
from home.areas.membership import user_is_coordinator
from home.areas.permissions import PartnerScopedPolicy


class CoordinatorsManagePolicy(PartnerScopedPolicy):
    """The partner's people may look; the coordinators may do anything."""

    def user_has_permission(self, user, action: str) -> bool:
        return user_is_coordinator(user) or super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if user_is_coordinator(user):
            return self.model._default_manager.all()
        return super().instances_user_has_any_permission_for(user, actions)


endpoint_policy = CoordinatorsManagePolicy(WebhookEndpoint, partner_path="partner")


delivery_policy = CoordinatorsManagePolicy(
    WebhookDelivery, partner_path="endpoint__partner", moderator_actions=("resend",)
)


def register_policies() -> None:
    register_permission_policy(WebhookEndpoint, endpoint_policy)
    register_permission_policy(WebhookDelivery, delivery_policy)
