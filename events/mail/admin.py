"""The email log in the admin: each email's state, scoped to the partner, and "send again".

An email is personal data of the registration that caused it, so the log is scoped and
permitted exactly as registrations are (``registration_policy``'s partner path and member
actions). Its text is shown with every secret link hidden (``events.mail.redaction``): a moderator
who must send one again uses "Send igen", which sends the stored text without showing it.
"""

from __future__ import annotations

from html import escape

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from events.mail.redaction import secrets_redact
from events.models import MeetingRegistrant, OutboundEmail, Registration
from events.registrations.admin import registration_policy
from events.retention.services import ERASED_ADDRESS
from home.areas.permissions import PartnerScopedPolicy
from home.outbox import DeliveryStatus
from home.outbox_admin import ResendButtonMixin, outbox_resend_view
from home.spreadsheets import DanishSpreadsheetMixin

email_policy = PartnerScopedPolicy(
    OutboundEmail,
    partner_path=registration_policy.partner_path,
    member_actions=registration_policy.member_actions,
    moderator_actions=("resend",),
)
register_permission_policy(OutboundEmail, email_policy)

RESENDABLE = (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)


def email_tokens(email: OutboundEmail) -> tuple[str, ...]:
    """The secrets of the email's registration, to hide wherever they appear in its text: its
    tokens and the personal Zoom join links of the registration and its members (the links
    as written in the text and in HTML, where "&" is "&amp;")."""
    if email.registration_id is None:
        return ()
    row = (
        Registration.objects.filter(pk=email.registration_id)
        .values_list("token", "manager_token")
        .first()
    )
    links = (
        MeetingRegistrant.objects.filter(
            Q(registration_id=email.registration_id)
            | Q(member__registration_id=email.registration_id)
        )
        .exclude(join_url="")
        .values_list("join_url", flat=True)
    )
    # The longer form first, so the escaped link is hidden whole.
    joins = sorted({form for url in links for form in (url, escape(url))}, key=len, reverse=True)
    return tuple(row or ()) + tuple(joins)


def email_redacted(email: OutboundEmail, field_name: str) -> str:
    return secrets_redact(getattr(email, field_name), tokens=email_tokens(email))


def email_resendable(email: OutboundEmail) -> bool:
    """Failed or cancelled, and not emptied by retention (that one has no one to go to)."""
    return email.status in RESENDABLE and email.to != ERASED_ADDRESS


def subject_display(email: OutboundEmail) -> str:
    return secrets_redact(email.subject)


class ScopedQuerysetMixin:
    def get_base_queryset(self):
        return email_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("event")


class EmailIndexView(ResendButtonMixin, DanishSpreadsheetMixin, ScopedQuerysetMixin, IndexView):
    export_sheet_title = "E-mails"
    resend_url_name = "outbound_emails:resend"
    resend_icon = "mail"

    def _get_title_column(self, field_name, *args, **kwargs):
        return super()._get_title_column(field_name, *args, accessor=subject_display, **kwargs)

    def preprocess_field_value(self, field, value, export_format):
        # The CSV and Excel exports: the same rule as the listing.
        value = super().preprocess_field_value(field, value, export_format)
        return secrets_redact(value) if isinstance(value, str) else value

    def resend_allowed(self, instance: OutboundEmail) -> bool:
        return email_resendable(instance) and email_policy.user_has_permission_for_instance(
            self.request.user, "resend", instance
        )


class EmailInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            email_policy.instances_user_has_permission_for(self.request.user, "view"), pk=self.pk
        )

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return email_tokens(self.object)

    def get_page_subtitle(self):
        return secrets_redact(super().get_page_subtitle(), tokens=self.tokens)

    def get_field_display_value(self, field_name, field):
        # Wagtail shows an empty date ("sendt", "næste forsøg") as Python's English "None".
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, str):
            return secrets_redact(value, tokens=self.tokens)
        return "–" if value is None else value


def resend_view(request, pk: int):
    """GET asks for confirmation; POST puts a failed email back in the queue."""
    email = get_object_or_404(
        email_policy.instances_user_has_permission_for(request.user, "resend"), pk=pk
    )
    if not email_resendable(email):
        raise PermissionDenied
    return outbox_resend_view(
        request,
        row=email,
        task="events.mail.tasks.email_deliver",
        index_url=reverse("outbound_emails:index"),
        page_title=_("Send e-mail igen"),
        icon="mail",
        question=_("Send e-mailen „%(subject)s“ til %(to)s igen?")
        % {"subject": email_redacted(email, "subject"), "to": email.to},
        last_error=email_redacted(email, "last_error"),
        done_message=_("E-mailen til %(to)s sendes igen.") % {"to": email.to},
    )


class OutboundEmailViewSet(ModelViewSet):
    model = OutboundEmail
    icon = "mail"
    menu_label = _("E-mails")
    menu_name = "outbound_emails"
    menu_order = 320
    add_to_admin_menu = True
    url_prefix = "e-mails"
    name = "outbound_emails"
    index_view_class = EmailIndexView
    inspect_view_class = EmailInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["to"]  # never editable: the policy grants no add, change or delete
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    search_backend_name = None
    list_display = [
        "subject",
        "to",
        Column("kind", label=_("type"), accessor="get_kind_display"),
        Column("status", label=_("status"), accessor="get_status_display"),
        "attempts",
        DateColumn("created_at", label=_("oprettet")),
        DateColumn("sent_at", label=_("sendt")),
    ]
    inspect_view_fields = [
        "kind",
        "status",
        "to",
        "subject",
        "event",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "body_text",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("resend/<int:pk>/", resend_view, name="resend"),
        ]


outbound_email_viewset = OutboundEmailViewSet()
