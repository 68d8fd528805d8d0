"""Registrations and staff-group applications in the admin, scoped to the organising partner.

A partner's editors and moderators see their own events' registrations (the coordinators and
superusers everyone's); only moderators act on them, and every action is a service call.
Exports are Wagtail's own list export (CSV, Excel) made Danish (``home.spreadsheets``), with
spreadsheet formulas neutralised.
"""

from __future__ import annotations

from datetime import datetime

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from events.courses.messages import message_policy
from events.models import EventPage, Participation, Registration, RegistrationStatus
from events.registrations.admin_actions import (
    ACTIONS,
    action_view,
    actions_for,
    offer_deadline_display,
)
from events.registrations.exports import (
    EXPORT_FIELDS,
    EXPORT_HEADINGS,
    MEMBERS_COLUMN,
    AnswerColumnsMixin,
    member_lines,
    spreadsheet_safe,
)
from events.registrations.permissions import registration_policy
from events.registrations.selectors import registration_counts
from home.areas.membership import partners_of_user
from home.models import Audience, Municipality, Region
from home.spreadsheets import DanishSpreadsheetMixin

__all__ = ["registration_policy", "registration_viewset", "application_viewset"]


def _events_of_user(request):
    if request is None:
        return EventPage.objects.none()
    return EventPage.objects.filter(partner__in=partners_of_user(request.user)).order_by(
        "-first_start"
    )


class RegistrationFilterSet(WagtailFilterSet):
    # Only the user's partners' events to choose from: titles of others' drafts stay hidden.
    event = django_filters.ModelChoiceFilter(
        label=_("arrangement"), queryset=_events_of_user, empty_label=_("Alle arrangementer")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=RegistrationStatus.choices, empty_label=_("Alle")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("kommune"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("region"),
        field_name="municipality__region",
        queryset=Region.objects.order_by("name"),
        empty_label=_("Alle regioner"),
    )
    job_role = django_filters.ModelChoiceFilter(
        label=_("stillingsgruppe"),
        queryset=Audience.objects.order_by("name"),
        empty_label=_("Alle stillingsgrupper"),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("tilmeldt i perioden"), widget=DateRangePickerWidget
    )
    attended = django_filters.ChoiceFilter(
        label=_("mødte op"),
        choices=[("yes", _("Ja")), ("no", _("Nej")), ("unknown", _("Ikke registreret"))],
        empty_label=_("Alle"),
        method="filter_attended",
    )
    anonymised = django_filters.ChoiceFilter(
        label=_("anonymiseret"),
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        empty_label=_("Alle"),
        method="filter_anonymised",
    )

    class Meta:
        model = Registration
        fields = ["event", "status"]

    def filter_attended(self, queryset, name, value):
        if value == "unknown":
            return queryset.filter(attended__isnull=True)
        return queryset.filter(attended=value == "yes") if value in ("yes", "no") else queryset

    def filter_anonymised(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(anonymised_at__isnull=value == "no")


def attended_display(registration: Registration) -> str:
    if registration.attended is None:
        return "–"
    return _("Ja") if registration.attended else _("Nej")


def status_display(registration: Registration) -> str:
    """The status, with the place on the waiting list or the offer's deadline where it has one."""
    status = registration.get_status_display()
    if registration.status == RegistrationStatus.WAITING_LIST and registration.waiting_position:
        return _("%(status)s, nr. %(position)s") % {
            "status": status,
            "position": registration.waiting_position,
        }
    if registration.status == RegistrationStatus.OFFERED and registration.offer_expires_at:
        return _("%(status)s – tilbud udløber %(deadline)s") % {
            "status": status,
            "deadline": offer_deadline_display(registration),
        }
    return status


class RegistrationIndexView(AnswerColumnsMixin, DanishSpreadsheetMixin, IndexView):
    export_sheet_title = "Tilmeldinger"

    participation: str = Participation.INDIVIDUAL
    namespace = "registrations"
    template_name = "events/admin/registration_index.html"
    results_template_name = "events/admin/registration_results.html"

    @cached_property
    def can_act(self) -> bool:
        """Moderators (and coordinators) get the checkboxes and the bulk actions' footer."""
        return registration_policy.user_has_permission(self.request.user, "cancel")

    @cached_property
    def columns(self):
        columns = super().columns
        if self.can_act and not getattr(self, "is_export", False):
            return [BulkActionsCheckboxColumn("bulk_actions", obj_type="registration"), *columns]
        return columns

    def _get_title_column(self, *args, **kwargs):
        # The checkbox's aria-describedby names the row by this id.
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"registration_{instance.pk}_title"
        )

    # Spreadsheet safety for both formats (Excel also runs "+", "-" and "@" cells).
    def preprocess_field_value(self, field, value, export_format):
        if field == "attended":
            value = "" if value is None else str(_("Ja") if value else _("Nej"))
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))

    def get_base_queryset(self):
        return (
            registration_policy.instances_user_has_permission_for(self.request.user, "view")
            .filter(event__participation=self.participation)
            .select_related("event", "municipality", "job_role")
        )

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        for action in actions_for(instance, self.request.user, participation=self.participation):
            # In the row's menu, beside "Se detaljer": inline buttons would squeeze the names.
            buttons.append(
                Button(
                    ACTIONS[action][0],
                    url=reverse(f"{self.namespace}:action", args=[instance.pk, action]),
                    icon_name=ACTION_ICONS[action],
                    priority=10 + list(ACTIONS).index(action),
                )
            )
        return buttons

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not getattr(self, "is_export", False):
            context["event_counts"] = self.event_counts()
            context["can_act"] = self.can_act
            context["can_message"] = message_policy.user_has_permission(
                self.request.user, "message"
            )
        return context

    def event_counts(self) -> list[dict]:
        """Counts per event among the listed registrations (at most 50 events)."""
        ids = list(self.object_list.order_by().values_list("event_id", flat=True).distinct()[:50])
        counts = registration_counts(ids)
        rows = []
        for event in EventPage.objects.filter(pk__in=ids).order_by("first_start", "pk"):
            row = counts.get(event.pk, {})
            taken = row.get("seats_taken", 0)
            left = None if event.capacity is None else max(event.capacity - taken, 0)
            rows.append(
                {
                    "event": event,
                    "confirmed": row.get("confirmed", 0),
                    "waiting": row.get("waiting", 0),
                    "offered": row.get("offered", 0),
                    "offer_deadline": row.get("offer_deadline"),
                    "pending": row.get("pending", 0),
                    "cancelled": row.get("cancelled", 0),
                    "seats_left": left,
                }
            )
        return rows


class ApplicationIndexView(RegistrationIndexView):
    export_sheet_title = "Ansøgninger"
    page_title = _("Ansøgninger")

    participation = Participation.STAFF_GROUP
    namespace = "applications"


ACTION_ICONS = {
    "approve": "check",
    "promote": "check",
    "attend": "check",
    "decline": "cross",
    "cancel": "cross",
}


def local_moment(value: datetime) -> str:
    """A moment as the centre reads it: Copenhagen time, to the minute."""
    return date_format(localtime(value), r"j. F Y \k\l. H.i")


class RegistrationInspectView(InspectView):
    """One registration or application: headed by who and for which event, with the steps a
    moderator may take on it, and its times in Copenhagen time."""

    participation: str = Participation.INDIVIDUAL
    namespace = "registrations"
    noun = _("Tilmelding")
    plural = _("Tilmeldinger")

    def get_object(self, queryset=None):
        return get_object_or_404(
            registration_policy.instances_user_has_permission_for(
                self.request.user, "view"
            ).select_related("event", "municipality", "job_role"),
            pk=self.pk,
        )

    def get_page_title(self):
        return f"{self.noun}: {self.object.event.title}"

    def get_page_subtitle(self):
        return self.object.name or str(_("(anonymiseret)"))

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{self.namespace}:index"), "label": self.plural},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    template_name = "events/admin/registration_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The steps at hand, as buttons over the details (not hidden in the header's menu).
        context["actions"] = [
            {
                "label": ACTIONS[action][0],
                "url": reverse(f"{self.namespace}:action", args=[self.object.pk, action])
                + "?next=inspect",
                "serious": ACTION_ICONS[action] == "cross",
            }
            for action in actions_for(
                self.object, self.request.user, participation=self.participation
            )
        ]
        return context

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if field_name == "event":
            return self.object.event.title
        if isinstance(value, datetime):
            return local_moment(value)
        return "–" if value is None or value == "" else value

    def get_fields_context(self):
        """The fixed fields, then each answer under its question as it was asked."""
        answers = [
            {"label": answer.label, "value": answer.text or "–", "component": None}
            for answer in self.object.own_answers()
        ]
        members = [
            {
                "label": _("Deltager %(number)s") % {"number": number},
                "value": line,
                "component": None,
            }
            for number, line in enumerate(member_lines(self.object), start=1)
        ]
        return [*super().get_fields_context(), *answers, *members]


class ApplicationInspectView(RegistrationInspectView):
    participation = Participation.STAFF_GROUP
    namespace = "applications"
    noun = _("Ansøgning")
    plural = _("Ansøgninger")


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "group"
    menu_label = _("Tilmeldinger")
    menu_name = "registrations"
    menu_order = 310
    add_to_admin_menu = True
    url_prefix = "registrations"
    name = "registrations"
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["name"]  # never editable: the policy grants no add, change or delete
    filterset_class = RegistrationFilterSet
    search_fields = ["name", "email", "workplace"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "name",
        "email",
        Column("event", label=_("Arrangement"), accessor="event.title"),
        # Where a person stands in one column (a place on the waiting list, an offer's deadline),
        # so the list with its row actions fits a 1366 px screen.
        Column("status", label=_("Status"), accessor=status_display),
        Column("attended", label=_("Mødte op"), accessor=attended_display),
        Column("municipality", label=_("Kommune"), accessor="municipality.name"),
        DateColumn("created_at", label=_("Tilmeldt")),
    ]
    list_export = EXPORT_FIELDS
    export_headings = EXPORT_HEADINGS
    export_filename = "tilmeldinger"
    inspect_view_fields = [
        "event",
        "status",
        "waiting_position",
        "offer_expires_at",
        "name",
        "email",
        "phone",
        "workplace",
        "municipality",
        "job_role",
        "accessibility_needs",
        "participants",
        "attended",
        "source",
        "client",
        "consent_at",
        "privacy_version",
        "created_at",
        "updated_at",
        "cancelled_at",
        "cancel_reason",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "action/<int:pk>/<str:action>/",
                action_view,
                {"namespace": self.name},
                name="action",
            ),
        ]


class ApplicationViewSet(RegistrationViewSet):
    menu_label = _("Ansøgninger")
    menu_name = "applications"
    menu_order = 311
    icon = "clipboard-list"
    url_prefix = "applications"
    name = "applications"
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    list_display = [
        "name",
        Column("unit", label=_("Enhed")),
        Column("participants", label=_("Deltagere")),
        Column("event", label=_("Arrangement"), accessor="event.title"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("attended", label=_("Mødte op"), accessor=attended_display),
        DateColumn("manager_confirmed_at", label=_("Ledelsen bekræftede")),
        DateColumn("created_at", label=_("Modtaget")),
    ]
    list_export = [
        *EXPORT_FIELDS,
        "unit",
        "manager_name",
        "manager_email",
        "manager_confirmed_at",
        MEMBERS_COLUMN,
    ]
    export_filename = "ansoegninger"
    inspect_view_fields = [
        *RegistrationViewSet.inspect_view_fields,
        "unit",
        "manager_name",
        "manager_email",
        "manager_confirmed_at",
        "manager_decline_reason",
        "decided_at",
        "decided_by",
    ]


registration_viewset = RegistrationViewSet()
application_viewset = ApplicationViewSet()
