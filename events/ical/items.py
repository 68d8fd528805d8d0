"""What one session's VEVENT says (``SessionItem``), worked out once for both writers, and the
VEVENT's properties (``VEVENT_PROPERTIES``), listed once for both writers.

A new calendar field is an attribute of ``SessionItem``, its value in ``session_item`` and a row
in ``VEVENT_PROPERTIES``: the icalendar builder (``builders.item_vevent``) and the feeds' fast
writer (``writer``) both write every row of the table, each in its own way, and the tests hold
the two to the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from events.ical.data import (
    EPOCH,
    CalendarEvent,
    CalendarSession,
    event_uid,
    session_uid,
    type_labels,
)
from events.ical.text import event_description
from events.ical.timezones import wall_time
from events.models import (
    EventStatus,
)

CANCELLED_PREFIX = "AFLYST: "
POSTPONED_PREFIX = "UDSAT: "

# By an event's status, as text (the choices are str).
STATUS: dict[str, str] = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.MOVED_ONLINE: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}


def _sorted_sessions(sessions: Iterable[CalendarSession]) -> list[CalendarSession]:
    return sorted(
        sessions,
        key=lambda s: (s.starts_at() is None, s.starts_at() or EPOCH, s.sort_order or 0, s.pk or 0),
    )


def _summary(event: CalendarEvent, session: CalendarSession, multi: bool, status: str) -> str:
    title = event.title
    if session.title and multi:
        title = f"{event.title}: {session.title}"
    elif session.title:
        title = f"{event.title} – {session.title}"
    if status == EventStatus.CANCELLED:
        return CANCELLED_PREFIX + title
    if status == EventStatus.POSTPONED:
        return POSTPONED_PREFIX + title
    return title


@dataclass(frozen=True, slots=True)
class SessionItem:
    """What one session's VEVENT says, worked out once for both writers below."""

    uid: str
    stamp: datetime
    created: datetime
    sequence: int
    start: date | datetime
    end: date | datetime
    all_day: bool
    summary: str
    description: str
    location: str
    url: str
    status: str
    categories: tuple[str, ...]
    organizer: tuple[str, str] | None  # (mailto: address, partner's name)
    related_to: str | None
    join_url: str | None


class Kind(StrEnum):
    """How a property's value is written."""

    TEXT = "text"  # escaped text (RFC 5545 TEXT)
    URI = "uri"  # written as it is
    INTEGER = "integer"
    MOMENT = "moment"  # a date, or a time with the centre's TZID (DTSTART, DTEND)
    UTC = "utc"  # a time in UTC, "…Z" (DTSTAMP, CREATED, LAST-MODIFIED)
    CATEGORIES = "categories"  # a list of texts
    ORGANIZER = "organizer"  # (mailto: address, common name)
    FLAG = "flag"  # the row's constant, when the field is true


@dataclass(frozen=True, slots=True)
class VeventProperty:
    name: str
    field: str  # the SessionItem attribute it is written from
    kind: Kind
    optional: bool = False  # left out when the field is empty or false
    shared: bool = False  # the same for every session of an event: the fast writer writes it once
    constant: str = ""  # a FLAG's value


#: In the order icalendar writes a VEVENT's properties (RFC 5545's usual ones first, then by
#: name), which is the order the fast writer writes them in.
VEVENT_PROPERTIES = (
    VeventProperty("SUMMARY", "summary", Kind.TEXT),
    VeventProperty("DTSTART", "start", Kind.MOMENT),
    VeventProperty("DTEND", "end", Kind.MOMENT),
    VeventProperty("DTSTAMP", "stamp", Kind.UTC, shared=True),
    VeventProperty("UID", "uid", Kind.TEXT),
    VeventProperty("SEQUENCE", "sequence", Kind.INTEGER),
    VeventProperty("CATEGORIES", "categories", Kind.CATEGORIES, optional=True, shared=True),
    VeventProperty("CREATED", "created", Kind.UTC, shared=True),
    VeventProperty("DESCRIPTION", "description", Kind.TEXT, shared=True),
    VeventProperty("LAST-MODIFIED", "stamp", Kind.UTC, shared=True),
    VeventProperty("LOCATION", "location", Kind.TEXT, optional=True),
    VeventProperty("ORGANIZER", "organizer", Kind.ORGANIZER, optional=True),
    VeventProperty("RELATED-TO", "related_to", Kind.TEXT, optional=True),
    VeventProperty("STATUS", "status", Kind.TEXT),
    VeventProperty("TRANSP", "all_day", Kind.FLAG, optional=True, constant="TRANSPARENT"),
    VeventProperty("URL", "url", Kind.URI),
    VeventProperty("X-VIDENSCENTER-JOIN-URL", "join_url", Kind.TEXT, optional=True),
)


@dataclass(frozen=True, slots=True)
class _EventCommon:
    """What every session of one event shares, worked out once per event."""

    stamp: datetime
    created: datetime
    url: str
    organizer: tuple[str, str] | None
    related_to: str | None
    description: str
    categories: tuple[str, ...]
    location: str


def _event_common(
    event: CalendarEvent,
    *,
    multi: bool,
    description: str,
    categories: Sequence[str],
    join_url: str | None,
) -> _EventCommon:
    organizer = None
    if event.organizer_name is not None:
        organizer = (f"mailto:{event.organizer_email}", event.organizer_name)
    return _EventCommon(
        stamp=event.stamp,
        created=event.created,
        url=join_url or event.url,
        organizer=organizer,
        related_to=event_uid(event) if multi else None,
        description=description,
        categories=tuple(categories),
        location=event.location,
    )


def session_item(
    event: CalendarEvent,
    session: CalendarSession,
    *,
    multi: bool,
    description: str,
    categories: Sequence[str],
    join_url: str | None = None,
    common: _EventCommon | None = None,
) -> SessionItem | None:
    """One session's calendar data; None when it has no time yet."""
    if common is None:
        common = _event_common(
            event, multi=multi, description=description, categories=categories, join_url=join_url
        )
    status = EventStatus.CANCELLED if session.cancelled else event.status
    if session.all_day:
        if session.start_date is None:
            return None
        start: date | datetime = session.start_date
        end: date | datetime = (session.end_date or session.start_date) + timedelta(days=1)
    else:
        if session.start is None or session.end is None:
            return None
        start, end = wall_time(session.start), wall_time(session.end)
    return SessionItem(
        uid=session_uid(session),
        stamp=common.stamp,
        created=common.created,
        sequence=session.sequence,
        start=start,
        end=end,
        all_day=session.all_day,
        summary=_summary(event, session, multi, status),
        description=common.description,
        location=session.location or common.location,
        url=common.url,
        status=STATUS.get(status, "CONFIRMED"),
        categories=common.categories,
        organizer=common.organizer,
        related_to=common.related_to,
        join_url=join_url,
    )


def _categories(event: CalendarEvent) -> list[str]:
    labels = [type_labels().get(event.event_type, event.event_type)] if event.event_type else []
    return labels + list(event.topics)


def event_items(
    event: CalendarEvent,
    *,
    sessions: Iterable[CalendarSession] | None = None,
    join_url: str | None = None,
) -> list[SessionItem]:
    """The calendar data of the event's sessions (or of the given ones), in time order."""
    all_sessions = _sorted_sessions(event.sessions)
    chosen = _sorted_sessions(sessions) if sessions is not None else all_sessions
    multi = len(all_sessions) > 1
    description = event_description(event, join_url=join_url)
    categories = _categories(event)
    common = _event_common(
        event, multi=multi, description=description, categories=categories, join_url=join_url
    )
    items = []
    for session in chosen:
        item = session_item(
            event,
            session,
            multi=multi,
            description=description,
            categories=categories,
            join_url=join_url,
            common=common,
        )
        if item is not None:
            items.append(item)
    return items
