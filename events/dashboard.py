"""The editor's dashboard: what needs the partner's attention, scoped to the user's partners.

Three panels join Wagtail's own (which already show the pages awaiting the user's moderation
and the user's pages in moderation, so none of that is repeated here): upcoming events with
their counts against capacity and staff-group applications awaiting the manager or the
moderator (both here), and emails or webhook deliveries that failed (``api/dashboard.py``,
which knows both outboxes). Each panel runs a fixed number of queries however many rows it
shows, and is hidden from a user with no partner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from events.models import (
    EventPage,
    Participation,
    Registration,
    RegistrationStatus,
)
from events.registrations.selectors import registration_counts
from home.areas.membership import partners_of_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

UPCOMING_LIMIT = 10
NEWEST_APPLICATIONS = 5


def listing_url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


class DashboardPanel(Component):
    """A panel that knows its request; ``is_shown`` hides it from users without a partner."""

    heading: StrOrPromise = ""

    def __init__(self, request):
        self.request = request

    @cached_property
    def partner_ids(self) -> list[int]:
        return list(partners_of_user(self.request.user).values_list("pk", flat=True))

    def is_shown(self) -> bool:
        return bool(self.partner_ids)

    def has_content(self, context) -> bool:
        return True

    def render_html(self, parent_context=None) -> str:
        # Wagtail renders every panel it is given; an empty string leaves no trace.
        if not self.is_shown():
            return ""
        context = self.get_context_data(parent_context)
        if not self.has_content(context):
            return ""
        return render_to_string(self.template_name, context)


class UpcomingEventsPanel(DashboardPanel):
    name = "upcoming_events"
    order = 150
    heading = _("Kommende arrangementer")
    template_name = "events/dashboard/upcoming_events.html"

    def get_context_data(self, parent_context=None) -> dict:
        events = list(
            EventPage.objects.filter(
                partner__in=self.partner_ids,
                last_end__gte=timezone.now(),
            )
            .select_related("partner")
            .order_by("first_start", "pk")[:UPCOMING_LIMIT]
        )
        counts = registration_counts(event.pk for event in events)
        rows = []
        for event in events:
            row = counts.get(event.pk, {})
            taken = row.get("seats_taken", 0)
            staff_group = event.participation == Participation.STAFF_GROUP
            listing = "applications:index" if staff_group else "registrations:index"
            rows.append(
                {
                    "event": event,
                    "confirmed": row.get("confirmed", 0),
                    "waiting": row.get("waiting", 0),
                    "offered": row.get("offered", 0),
                    "offer_deadline": row.get("offer_deadline"),
                    "pending": row.get("pending", 0),
                    "seats_taken": taken,
                    "seats_left": (
                        None if event.capacity is None else max(event.capacity - taken, 0)
                    ),
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[event.pk]),
                    "listing_url": listing_url(listing, event=event.pk),
                    "offers_url": listing_url(listing, event=event.pk, status="offered"),
                }
            )
        return {"heading": self.heading, "rows": rows, "limit": UPCOMING_LIMIT}


class ApplicationsPanel(DashboardPanel):
    """Pending staff-group applications: first the manager confirms, then a moderator decides."""

    name = "applications_awaiting"
    order = 160
    heading = _("Ansøgninger, der venter")
    template_name = "events/dashboard/applications.html"

    def _pending(self):
        # The registration policy's "view" scope (the user's partners), from the ids in hand.
        return Registration.objects.filter(
            event__partner__in=self.partner_ids,
            event__participation=Participation.STAFF_GROUP,
            status=RegistrationStatus.PENDING,
        )

    def get_context_data(self, parent_context=None) -> dict:
        pending = self._pending()
        totals = pending.aggregate(
            manager=Count("pk", filter=Q(manager_confirmed_at__isnull=True)),
            moderator=Count("pk", filter=Q(manager_confirmed_at__isnull=False)),
        )
        newest = pending.select_related("event").order_by("-created_at", "-pk")
        return {
            "heading": self.heading,
            "awaiting_manager": self._items(newest.filter(manager_confirmed_at__isnull=True)),
            "awaiting_moderator": self._items(newest.filter(manager_confirmed_at__isnull=False)),
            "manager_count": totals["manager"],
            "moderator_count": totals["moderator"],
            "listing_url": listing_url("applications:index", status="pending"),
        }

    def _items(self, queryset) -> list[dict]:
        return [
            {
                "registration": registration,
                "url": listing_url(
                    "applications:index", status="pending", event=registration.event_id
                ),
            }
            for registration in queryset[:NEWEST_APPLICATIONS]
        ]

    def has_content(self, context) -> bool:
        return bool(context["manager_count"] or context["moderator_count"])


PANELS = (UpcomingEventsPanel, ApplicationsPanel)


def construct_homepage_panels(request, panels: list) -> None:
    panels.extend(panel(request) for panel in PANELS)
