"""The calendars' plain data: events and sessions read from pages or from query rows.

The builders read plain data, not pages: ``calendar_event`` makes it from an EventPage (the
emails, one event's feed), ``calendar_event_from_row`` from a query's rows (the feeds, which
would spend half their time building page instances).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from django.conf import settings
from django.utils import timezone

from events.models import (
    EventFormat,
    EventPage,
    EventSession,
    EventStatus,
    EventType,
    SessionStatus,
)
from events.models.sessions import LOCATION_FIELDS, location_text
from home.models import hosted_event_url_template

UID_DOMAIN = "videnscenter-boerneinddragelse.dk"
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


def event_url(event: EventPage) -> str:
    """Where a person reads about the event and signs up: the partner's own page hosting the
    widget when the partner has said where it is, else the centre's hosted events page. Never
    the API: a link a person follows from an email or a calendar opens a page, not JSON."""
    template = event.partner.event_url_template if event.partner else ""
    return partner_event_url(event.pk, event.slug, template)


def partner_event_url(pk: int, slug: str, template: str | None) -> str:
    return (template or hosted_event_url_template()).format(id=pk, slug=slug)


@dataclass(frozen=True, slots=True)
class CalendarSession:
    """What a calendar shows of one session."""

    pk: int | None
    uuid: object  # a UUID, or its text
    sequence: int
    sort_order: int | None
    title: str
    all_day: bool
    start_date: date | None
    end_date: date | None
    start: datetime | None
    end: datetime | None
    location: str
    cancelled: bool

    def starts_at(self) -> datetime | None:
        if self.all_day:
            return (
                datetime.combine(self.start_date, time.min, timezone.get_default_timezone())
                if self.start_date
                else None
            )
        return self.start


# The session's columns a calendar shows, in CalendarSession's order after ``event_id``.
SESSION_FIELDS = (
    "event_id",
    "pk",
    "uuid",
    "sequence",
    "sort_order",
    "title",
    "all_day",
    "start_date",
    "end_date",
    "start",
    "end",
    "location",
    "status",
)


def calendar_session(session: EventSession) -> CalendarSession:
    return CalendarSession(
        pk=session.pk,
        uuid=session.uuid,
        sequence=session.sequence,
        sort_order=session.sort_order,
        title=session.title,
        all_day=session.all_day,
        start_date=session.start_date,
        end_date=session.end_date,
        start=session.start,
        end=session.end,
        location=session.location,
        cancelled=session.status == SessionStatus.CANCELLED,
    )


# A row of ``values_list(*SESSION_FIELDS)``: ``event_id``, CalendarSession's fields but the
# last, and the session's status.
SessionRow = tuple[
    int,
    int | None,
    object,
    int,
    int | None,
    str,
    bool,
    date | None,
    date | None,
    datetime | None,
    datetime | None,
    str,
    str,
]


def calendar_session_from_row(row: SessionRow) -> CalendarSession:
    return CalendarSession(*row[1:-1], cancelled=row[-1] == SessionStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """What a calendar shows of one event and its sessions."""

    pk: int
    title: str
    event_type: str
    teaser: str
    body: Sequence[dict]  # the body's raw blocks: {"type": …, "value": …}
    status: str
    status_reason: str
    platform_name: str
    price_text: str
    contact_name: str
    contact_email: str
    location: str
    url: str
    organizer_name: str | None  # the partner's name
    organizer_email: str  # the partner's contact (``organizer_email``)
    stamp: datetime
    created: datetime
    topics: tuple[str, ...]
    sessions: tuple[CalendarSession, ...]


# The event's columns ``calendar_event_from_row`` reads (``values(*EVENT_FIELDS)``); the body
# comes as its JSON text (``body_json``, see ``events_for_calendar``): StreamField's own reading
# builds a field object per row.
EVENT_FIELDS = (
    "pk",
    "title",
    "slug",
    "event_type",
    "teaser",
    "body_json",
    "status",
    "status_reason",
    "platform_name",
    "price_text",
    "contact_name",
    "contact_email",
    *LOCATION_FIELDS,
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "partner_id",
    "partner__name",
    "partner__contact_email",
    "partner__event_url_template",
)


def calendar_event(event: EventPage) -> CalendarEvent:
    return CalendarEvent(
        pk=event.pk,
        title=event.title,
        event_type=event.event_type,
        teaser=event.teaser,
        body=list(event.body.raw_data) if event.body else [],
        status=event.status,
        status_reason=event.status_reason,
        platform_name=event.platform_name,
        price_text=event.price_text,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        location=event.location_text(),
        url=event_url(event),
        organizer_name=event.partner.name if event.partner else None,
        organizer_email=organizer_email(
            event.partner.contact_email if event.partner else "", event.contact_email
        ),
        stamp=_stamp(event.last_published_at, event.latest_revision_created_at),
        created=_stamp(event.first_published_at, event.last_published_at),
        topics=tuple(sorted(topic.name for topic in event.topics.all())),
        sessions=tuple(calendar_session(session) for session in event.sessions.all()),
    )


def calendar_event_from_row(
    row: dict, *, topics: Sequence[str], sessions: Sequence[CalendarSession]
) -> CalendarEvent:
    """A row of ``values(*EVENT_FIELDS)``, its topics' names and its sessions."""
    body = json.loads(row["body_json"] or "[]")
    return CalendarEvent(
        pk=row["pk"],
        title=row["title"],
        event_type=row["event_type"],
        teaser=row["teaser"],
        body=body if isinstance(body, list) else [],
        status=row["status"],
        status_reason=row["status_reason"],
        platform_name=row["platform_name"],
        price_text=row["price_text"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        location=location_text(**{name: row[name] for name in LOCATION_FIELDS}),
        url=partner_event_url(row["pk"], row["slug"], row["partner__event_url_template"]),
        organizer_name=row["partner__name"] if row["partner_id"] else None,
        organizer_email=organizer_email(row["partner__contact_email"] or "", row["contact_email"]),
        stamp=_stamp(row["last_published_at"], row["latest_revision_created_at"]),
        created=_stamp(row["first_published_at"], row["last_published_at"]),
        topics=tuple(sorted(topics)),
        sessions=tuple(sessions),
    )


def organizer_email(partner_contact: str, event_contact: str) -> str:
    """Who organises, for ORGANIZER: the organising partner's contact address, else the
    event's contact person, else the centre's (never the no-reply sender)."""
    return partner_contact or event_contact or settings.CENTRE_CONTACT_EMAIL


def as_calendar_event(event: EventPage | CalendarEvent) -> CalendarEvent:
    return event if isinstance(event, CalendarEvent) else calendar_event(event)


def session_uid(session: EventSession | CalendarSession) -> str:
    return f"{session.uuid}@{UID_DOMAIN}"


def event_uid(event: EventPage | CalendarEvent) -> str:
    """The parent that RELATED-TO ties a course's sessions to."""
    return f"event-{event.pk}@{UID_DOMAIN}"


@cache
def type_labels() -> dict[str, str]:
    # get_event_type_display() hashes the lazy choices on every call: too slow per event.
    return {value: str(label) for value, label in EventType.choices}


@cache
def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in EventStatus.choices}


def is_online(event: EventPage) -> bool:
    return event.format in (EventFormat.ONLINE, EventFormat.HYBRID) or (
        event.status == EventStatus.MOVED_ONLINE
    )


def _stamp(*candidates: datetime | None) -> datetime:
    """The first moment given, in whole UTC seconds (the epoch when there is none)."""
    value = next((c for c in candidates if c is not None), EPOCH)
    return value.astimezone(UTC).replace(microsecond=0)
