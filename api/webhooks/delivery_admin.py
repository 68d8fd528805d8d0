"""The webhook delivery log in the admin: a partner's people see their receivers' deliveries,
with filters, the answers masked, and "Send igen" for a failed one."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from api.webhooks.endpoint_admin import (
    ScopedIndexMixin,
    endpoint_known_secrets,
    text_redacted,
)
from api.webhooks.permissions import delivery_policy, endpoint_policy
from home.outbox_admin import ResendButtonMixin, outbox_resend_view


def _endpoints_of_request(request):
    if request is None:
        return WebhookEndpoint.objects.none()
    return endpoint_policy.instances_user_has_permission_for(request.user, "view")


class DeliveryFilterSet(WagtailFilterSet):
    """The receivers to filter by are the user's own: another partner's are not even named."""

    endpoint = django_filters.ModelChoiceFilter(label=_("modtager"), queryset=_endpoints_of_request)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "endpoint", "kind"]


class DeliveryIndexView(ResendButtonMixin, ScopedIndexMixin, IndexView):
    resend_url_name = "webhook_deliveries:resend"

    policy = delivery_policy

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("endpoint")

    def resend_allowed(self, instance: WebhookDelivery) -> bool:
        return instance.status in RESENDABLE and delivery_policy.user_has_permission_for_instance(
            self.request.user, "resend", instance
        )


class DeliveryInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            delivery_policy.instances_user_has_permission_for(self.request.user, "view"),
            pk=self.pk,
        )

    def get_field_display_value(self, field_name, field):
        # A receiver may echo our signature headers or its own credentials back.
        if field_name in ("response_body", "last_error"):
            text = getattr(self.object, field_name)
            return text_redacted(text, known=endpoint_known_secrets(self.object.endpoint)) or "–"
        value = super().get_field_display_value(field_name, field)
        return "–" if value is None else value


def resend_view(request, pk: int):
    """GET asks for confirmation; POST puts a failed delivery back in the queue."""
    delivery = get_object_or_404(
        delivery_policy.instances_user_has_permission_for(request.user, "resend"), pk=pk
    )
    if delivery.status not in RESENDABLE:
        raise PermissionDenied
    return outbox_resend_view(
        request,
        row=delivery,
        task="api.webhooks.tasks.webhook_deliver",
        index_url=reverse("webhook_deliveries:index"),
        page_title=_("Send webhook igen"),
        icon="link-external",
        question=_("Send „%(kind)s“ (%(message_id)s) til %(endpoint)s igen?")
        % {
            "kind": delivery.get_kind_display(),
            "message_id": delivery.message_id,
            "endpoint": delivery.endpoint,
        },
        last_error=text_redacted(
            delivery.last_error, known=endpoint_known_secrets(delivery.endpoint)
        ),
        done_message=_("Beskeden til %(endpoint)s sendes igen.") % {"endpoint": delivery.endpoint},
    )


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Webhook-log")
    url_prefix = "webhooks/log"
    name = "webhook_deliveries"
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["kind"]  # never editable: the policy grants no add, change or delete here
    filterset_class = DeliveryFilterSet
    search_fields = ["message_id"]
    search_backend_name = None
    list_display = [
        "__str__",
        Column("kind", label=_("hændelse"), accessor="get_kind_display"),
        Column("status", label=_("status"), accessor="get_status_display"),
        "attempts",
        "response_status",
        DateColumn("created_at", label=_("oprettet")),
        DateColumn("sent_at", label=_("sendt")),
    ]
    inspect_view_fields = [
        "message_id",
        "kind",
        "endpoint",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "response_status",
        "response_body",
        "duration_ms",
        "last_error",
        "payload",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("resend/<int:pk>/", resend_view, name="resend"),
        ]


RESENDABLE = (WebhookStatus.FAILED, WebhookStatus.CANCELLED)
