"""Webhooks in the admin: the endpoints (coordinators manage them, a partner's people see their
own) and the delivery log with its filters and "Send igen"."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from api.models import WebhookDelivery, WebhookEndpoint, WebhookKind, WebhookStatus
from api.webhook_admin import (
    ROTATE_ACTION,
    EndpointCreateView,
    EndpointEditView,
    SecretPanel,
    endpoint_known_secrets,
    rotate_secret_view,
    secret_masked,
    secret_once_view,
    text_redacted,
    url_masked,
)
from home.outbox import outbox_resend
from home.permissions import PartnerScopedPolicy
from home.selectors import user_is_coordinator


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
register_permission_policy(WebhookEndpoint, endpoint_policy)
register_permission_policy(WebhookDelivery, delivery_policy)

RESENDABLE = (WebhookStatus.FAILED, WebhookStatus.CANCELLED)


class EndpointForm(WagtailAdminModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("hændelser"),
        choices=WebhookKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
        help_text=_("De hændelser, modtageren får besked om."),
    )

    def save(self, commit=True):
        # Switched on again by a coordinator: the reason it was switched off no longer holds.
        if self.instance.active:
            self.instance.disabled_reason = ""
        return super().save(commit=commit)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Adressen skal begynde med https://."))
        return url


class ScopedIndexMixin:
    policy = None

    def get_base_queryset(self):
        return self.policy.instances_user_has_permission_for(self.request.user, "view")


class EndpointIndexView(ScopedIndexMixin, IndexView):
    policy = endpoint_policy

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partner")


class EndpointInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            endpoint_policy.instances_user_has_permission_for(self.request.user, "view"),
            pk=self.pk,
        )

    def get_field_display_value(self, field_name, field):
        # The secret was shown once; the URL's user, password and query values only in the form.
        if field_name == "secret":
            return secret_masked(self.object.secret)
        if field_name == "url":
            return url_masked(self.object.url)
        value = super().get_field_display_value(field_name, field)
        if field_name == "kinds":
            labels = dict(WebhookKind.choices)
            return ", ".join(str(labels.get(kind, kind)) for kind in self.object.kinds or [])
        return "–" if value in (None, "") else value


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook-modtagere")
    url_prefix = "webhooks/modtagere"
    name = "webhook_endpoints"
    index_view_class = EndpointIndexView
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView
    inspect_view_class = EndpointInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["active", "partner"]
    # Not the URL: a search would tell, letter by letter, the credentials it may carry.
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        Column("url", label=_("adresse"), accessor=lambda endpoint: url_masked(endpoint.url)),
        Column("partner", label=_("partner")),
        BooleanColumn("active", label=_("aktiv")),
        "disabled_reason",
    ]
    # The secret is shown once, after it is made (created or renewed); everywhere else masked.
    inspect_view_fields = [
        "name",
        "url",
        "partner",
        "kinds",
        "active",
        "disabled_reason",
        "secret",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("partner"),
            FieldPanel("kinds"),
            FieldPanel("active"),
            FieldPanel("disabled_reason", read_only=True),
            SecretPanel(),
        ],
        base_form_class=EndpointForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("rotate/<int:pk>/", rotate_secret_view, name="rotate_secret"),
            path("secret/<int:pk>/", secret_once_view, name="secret_once"),
        ]


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


class DeliveryIndexView(ScopedIndexMixin, IndexView):
    policy = delivery_policy

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("endpoint")

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status in RESENDABLE and delivery_policy.user_has_permission_for_instance(
            self.request.user, "resend", instance
        ):
            buttons.append(
                ListingButton(
                    _("Send igen"),
                    url=reverse("webhook_deliveries:resend", args=[instance.pk]),
                    icon_name="redo",
                    priority=5,
                )
            )
        return buttons


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
    index_url = reverse("webhook_deliveries:index")
    if request.method == "POST":
        if outbox_resend(WebhookDelivery, delivery.pk, "api.tasks.webhook_deliver"):
            messages.success(
                request,
                _("Beskeden til %(endpoint)s sendes igen.") % {"endpoint": delivery.endpoint},
            )
        return redirect(index_url)
    return TemplateResponse(
        request,
        "api/admin/confirm_resend.html",
        {
            "object": delivery,
            "last_error": text_redacted(
                delivery.last_error, known=endpoint_known_secrets(delivery.endpoint)
            ),
            "index_url": index_url,
            "page_title": _("Send webhook igen"),
        },
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


class WebhooksGroup(ViewSetGroup):
    menu_label = _("Webhooks")
    menu_icon = "link-external"
    menu_order = 330
    items = (WebhookEndpointViewSet, WebhookDeliveryViewSet)


@hooks.register("register_log_actions")
def register_webhook_log_actions(actions):
    actions.register_action(ROTATE_ACTION, _("Forny hemmelighed"), _("Hemmelighed fornyet"))


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    return WebhooksGroup()
