"""Calendars as icalendar components: the feeds' reference writer and the emails' attachments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from events.ical.data import CalendarEvent, as_calendar_event, calendar_event, calendar_session
from events.ical.items import (
    CANCELLED_PREFIX,
    VEVENT_PROPERTIES,
    Kind,
    SessionItem,
    VeventProperty,
    event_items,
)
from events.ical.timezones import vtimezone
from events.models import (
    EventPage,
    EventSession,
)

PRODID = "-//Videnscenter om børneinddragelse og udsatte børns liv//Kalender//DA"


def _ical_value(prop: VeventProperty, value: Any) -> Any:
    if prop.kind is Kind.FLAG:
        return prop.constant
    if prop.kind is Kind.CATEGORIES:
        return list(value)
    if prop.kind is Kind.ORGANIZER:
        organizer = vCalAddress(value[0])
        organizer.params["cn"] = vText(value[1])
        return organizer
    return value


def item_vevent(item: SessionItem) -> Event:
    """The VEVENT of one session, as an icalendar component (every row of the table)."""
    vevent = Event()
    for prop in VEVENT_PROPERTIES:
        value = getattr(item, prop.field)
        if prop.optional and not value:
            continue
        vevent.add(prop.name.lower(), _ical_value(prop, value))
    return vevent


def calendar_header(*, name: str, method: str, refresh_minutes: int) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add(
        "refresh-interval", timedelta(minutes=refresh_minutes), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", vDuration(timedelta(minutes=refresh_minutes)))
    return calendar


@dataclass(frozen=True, slots=True)
class YearSpan:
    """The first and last year of some sessions' times, and whether any carries a TZID."""

    first: int
    last: int
    zoned: bool


def year_span(items: Sequence[SessionItem]) -> YearSpan | None:
    values = [value for item in items for value in (item.start, item.end)]
    if not values:
        return None
    return YearSpan(
        first=min(value.year for value in values),
        last=max(value.year for value in values),
        # A date has no tzinfo; a time written in UTC needs no VTIMEZONE.
        zoned=any(isinstance(v, datetime) and v.tzinfo is not UTC for v in values),
    )


def timezone_years(spans: Iterable[YearSpan | None]) -> tuple[int, int] | None:
    """The years a VTIMEZONE must cover, or None when no time carries a TZID."""
    known = [span for span in spans if span is not None]
    if not any(span.zoned for span in known):
        return None
    return min(span.first for span in known) - 1, max(span.last for span in known) + 1


def _calendar(
    *, name: str, method: str, items: Sequence[SessionItem], refresh_minutes: int
) -> Calendar:
    calendar = calendar_header(name=name, method=method, refresh_minutes=refresh_minutes)
    if years := timezone_years([year_span(items)]):
        calendar.add_component(vtimezone(settings.TIME_ZONE, *years))
    for item in items:
        calendar.add_component(item_vevent(item))
    return calendar


def calendar_for_events(
    events: Iterable[EventPage | CalendarEvent],
    *,
    name: str,
    method: str = "PUBLISH",
    refresh_minutes: int = 60,
) -> Calendar:
    """The feed: every session of every event given, in the order given."""
    items = [item for event in events for item in event_items(as_calendar_event(event))]
    return _calendar(name=name, method=method, items=items, refresh_minutes=refresh_minutes)


def calendar_for_event(
    event: EventPage,
    *,
    method: str = "PUBLISH",
    sessions: Iterable[EventSession] | None = None,
    join_url: str | None = None,
    uninvite: bool = False,
) -> Calendar:
    """One event (or the given sessions of it): a feed of one, or an email's attachment.

    ``method="CANCEL"`` marks the sessions cancelled, as RFC 5546 asks of a cancellation;
    with ``uninvite`` it removes one attendee instead (``events.ical.itip``): the event goes
    on, so no STATUS and no "AFLYST" in the summary.
    """
    chosen = [calendar_session(s) for s in sessions] if sessions is not None else None
    items = event_items(calendar_event(event), sessions=chosen, join_url=join_url)
    if method == "CANCEL" and uninvite:
        calendar = _calendar(name=event.title, method=method, items=items, refresh_minutes=60)
        for vevent in calendar.walk("VEVENT"):
            del vevent["STATUS"]
        return calendar
    if method == "CANCEL":
        items = [
            replace(
                item,
                status="CANCELLED",
                summary=item.summary
                if item.summary.startswith(CANCELLED_PREFIX)
                else CANCELLED_PREFIX + item.summary,
            )
            for item in items
        ]
    return _calendar(name=event.title, method=method, items=items, refresh_minutes=60)


def calendar_for_registrant(
    entries: Iterable[tuple[EventPage, str | None]], *, name: str
) -> Calendar:
    """A registrant's own calendar: their events, with the join link where they may have it."""
    items = [
        item
        for event, join_url in entries
        for item in event_items(calendar_event(event), join_url=join_url)
    ]
    return _calendar(name=name, method="PUBLISH", items=items, refresh_minutes=60)


# --- the feed, written directly ---------------------------------------------------------------
#
# A feed of thousands of sessions is written as text: building an icalendar component per
# session costs about ten times more (parameter objects, a per-character fold of every line).
# ``calendar_bytes`` writes exactly what ``calendar_for_events(...).to_ical()`` writes, and the
# tests hold the two to the same bytes, so icalendar stays the reference for correctness.
