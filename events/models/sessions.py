"""An event's sessions: each occurrence, its time, place, status and calendar identity."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.models import Orderable

from events.models.choices import EventFormat, EventStatus, SessionStatus

if TYPE_CHECKING:
    from events.models.pages import EventPage


class EventSession(Orderable):
    """One occurrence of an event; its uuid is its identity in calendars for good."""

    event = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="sessions")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("titel"), max_length=200, blank=True, help_text=_("Fx “Dag 1” eller “Modul 2”.")
    )
    all_day = models.BooleanField(_("heldags"), default=False)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("slut"), null=True, blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(
        _("slutdato"), null=True, blank=True, help_text=_("Sidste dag, inklusive.")
    )
    location = models.CharField(
        _("sted for sessionen"),
        max_length=300,
        blank=True,
        help_text=_("Tom: arrangementets sted bruges."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.INHERIT
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    calendar_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("all_day"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("location"),
        FieldPanel("status"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessioner")

    def __str__(self) -> str:
        return self.title or str(self.starts_at() or "")

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.all_day:
            if self.start_date is None:
                errors["start_date"] = [_("Startdato: angiv startdato for en heldagssession.")]
            if self.end_date is None:
                errors["end_date"] = [_("Slutdato: angiv slutdato for en heldagssession.")]
            if self.start_date and self.end_date and self.end_date < self.start_date:
                errors["end_date"] = [_("Slutdato: slutdatoen ligger før startdatoen.")]
            self.start = self.end = None
        else:
            if self.start is None:
                errors["start"] = [_("Start: angiv starttidspunkt for sessionen.")]
            if self.end is None:
                errors["end"] = [_("Slut: angiv sluttidspunkt for sessionen.")]
            if self.start and self.end and self.end <= self.start:
                errors["end"] = [_("Slut: sessionen slutter før den starter.")]
            self.start_date = self.end_date = None
        if errors:
            raise ValidationError(errors)

    def starts_at(self) -> datetime | None:
        if self.all_day:
            return _local_midnight(self.start_date) if self.start_date else None
        return self.start

    def ends_at(self) -> datetime | None:
        """The end instant; an all-day session ends at midnight after its inclusive end date."""
        if self.all_day:
            last = self.end_date or self.start_date
            return _local_midnight(last + timedelta(days=1)) if last else None
        return self.end

    def effective_status(self, event: EventPage | None = None) -> str:
        event = event or self.event
        if self.status == SessionStatus.CANCELLED:
            return EventStatus.CANCELLED
        return event.status

    def effective_location(self, event: EventPage | None = None) -> str:
        event = event or self.event
        return self.location or event.location_text()

    def compute_fingerprint(self, event: EventPage | None = None) -> str:
        """A hash of everything a calendar client shows for this session."""
        event = event or self.event
        data = [
            self.all_day,
            self.start.astimezone(UTC).isoformat() if self.start else None,
            self.end.astimezone(UTC).isoformat() if self.end else None,
            self.start_date.isoformat() if self.start_date else None,
            self.end_date.isoformat() if self.end_date else None,
            self.effective_location(event),
            str(self.effective_status(event)),
            self.title,
            event.title,
        ]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()


LOCATION_FIELDS = (
    "format",
    "status",
    "platform_name",
    "venue_name",
    "venue_address",
    "venue_postcode",
    "venue_city",
)


def location_text(
    *,
    format: str,  # noqa: A002 - the field's name
    status: str,
    platform_name: str,
    venue_name: str,
    venue_address: str,
    venue_postcode: str,
    venue_city: str,
) -> str:
    """Where an event happens, in one line: "Online (Teams)" or "Venue, Street 1, 8000 Aarhus C".
    A function of the columns, so a feed that reads rows instead of pages says the same."""
    if format == EventFormat.ONLINE or status == EventStatus.MOVED_ONLINE:
        return f"Online ({platform_name})" if platform_name else "Online"
    parts = [venue_name, venue_address, " ".join(p for p in (venue_postcode, venue_city) if p)]
    return ", ".join(p for p in parts if p)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
