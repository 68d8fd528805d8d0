"""The dashboard's panel of failed deliveries: emails (by the event's partner) and webhook
deliveries (by the receiver's partner). It lives with the API, the one app that knows both
outboxes; ``events/dashboard.py`` has the other panels and their base."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import policy_registry

from api.models import WebhookDelivery
from events.dashboard import DashboardPanel, listing_url
from events.models import OutboundEmail
from home.outbox import DeliveryStatus


class FailedDeliveriesPanel(DashboardPanel):
    """Emails (by the event's partner) and webhook deliveries (by the receiver's partner) that
    gave up: each row is the list it links to, with the same scope the admin lists use."""

    name = "failed_deliveries"
    order = 170
    heading = _("Fejlede forsendelser")
    template_name = "api/dashboard/failed_deliveries.html"

    def get_context_data(self, parent_context=None) -> dict:
        user = self.request.user
        emails = (
            policy_registry.get_by_type(OutboundEmail)
            .instances_user_has_permission_for(user, "view")
            .filter(status=DeliveryStatus.FAILED)
            .count()
        )
        webhooks = (
            policy_registry.get_by_type(WebhookDelivery)
            .instances_user_has_permission_for(user, "view")
            .filter(status=DeliveryStatus.FAILED)
            .count()
        )
        return {
            "heading": self.heading,
            "emails": emails,
            "webhooks": webhooks,
            "emails_url": listing_url("outbound_emails:index", status=DeliveryStatus.FAILED),
            "webhooks_url": listing_url("webhook_deliveries:index", status=DeliveryStatus.FAILED),
        }

    def has_content(self, context) -> bool:
        return bool(context["emails"] or context["webhooks"])
