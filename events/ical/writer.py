"""The feed, written directly.

A feed of thousands of sessions is written as text: building an icalendar component per
session costs about ten times more (parameter objects, a per-character fold of every line).
``calendar_bytes`` writes exactly what ``calendar_for_events(...).to_ical()`` writes, and the
tests hold the two to the same bytes, so icalendar stays the reference for correctness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import vCalAddress, vText
from icalendar.parser import Contentline

from events.ical.builders import YearSpan, calendar_header, timezone_years, year_span
from events.ical.data import CalendarEvent, as_calendar_event
from events.ical.items import VEVENT_PROPERTIES, Kind, SessionItem, VeventProperty, event_items
from events.ical.timezones import vtimezone
from events.models import (
    EventPage,
)


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar does it."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 folding, exactly as icalendar folds: pieces of at most 74 octets, never inside
    a UTF-8 character, and a trailing backslash or caret moves on with what it escapes."""
    if len(line) < 75 and (line.isascii() or len(line.encode()) < 75):
        return line
    data = line.encode()
    pieces = []
    start, size = 0, len(data)
    while size - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: not a place to cut
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def _utc_text(value: datetime) -> str:
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}Z"
    )


def _time_text(name: str, value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"
    zone = value.tzinfo
    if zone is UTC:
        return f"{name}:{_utc_text(value)}"
    assert isinstance(zone, ZoneInfo)  # wall_time's: the centre's zone, or else UTC
    return (
        f"{name};TZID={zone.key}:{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


@cache
def _organizer_line(address: str, name: str) -> str:
    organizer = vCalAddress(address)
    organizer.params["cn"] = vText(name)
    return _fold(str(Contentline.from_parts("ORGANIZER", organizer.params, organizer)))


def _text_line(name: str, value: str) -> str:
    return _fold(f"{name}:{_escape(value)}")


def _uri_line(name: str, value: str) -> str:
    return _fold(f"{name}:{value}")


def _integer_line(name: str, value: int) -> str:
    return f"{name}:{value}"


def _utc_line(name: str, value: datetime) -> str:
    return f"{name}:{_utc_text(value)}"


def _categories_line(name: str, value: Sequence[str]) -> str:
    return _fold(f"{name}:" + ",".join(_escape(c) for c in value))


def _organizer_text(name: str, value: tuple[str, str]) -> str:
    return _organizer_line(*value)


LINE_WRITERS: dict[Kind, Callable[[str, Any], str]] = {
    Kind.TEXT: _text_line,
    Kind.URI: _uri_line,
    Kind.INTEGER: _integer_line,
    Kind.MOMENT: _time_text,
    Kind.UTC: _utc_line,
    Kind.CATEGORIES: _categories_line,
    Kind.ORGANIZER: _organizer_text,
}


def _line(prop: VeventProperty, value: Any) -> str:
    if prop.kind is Kind.FLAG:
        return f"{prop.name}:{prop.constant}"
    return LINE_WRITERS[prop.kind](prop.name, value)


_PER_SESSION = tuple(
    (prop.name, prop.field, prop.optional, prop.shared, prop) for prop in VEVENT_PROPERTIES
)


def _item_text(item: SessionItem, shared: dict[str, str | None]) -> str:
    """One VEVENT as folded lines; ``shared`` holds the lines the event's sessions share."""
    lines = ["BEGIN:VEVENT"]
    for name, field, optional, is_shared, prop in _PER_SESSION:
        if is_shared:
            line = shared[name]
            if line is not None:
                lines.append(line)
            continue
        value = getattr(item, field)
        if optional and not value:
            continue
        lines.append(_line(prop, value))
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def _event_text(items: Sequence[SessionItem]) -> Iterable[str]:
    if not items:
        return
    first = items[0]
    shared: dict[str, str | None] = {}
    for prop in VEVENT_PROPERTIES:
        if prop.shared:
            value = getattr(first, prop.field)
            shared[prop.name] = None if prop.optional and not value else _line(prop, value)
    for item in items:
        yield _item_text(item, shared)


@cache
def _vtimezone_text(tzid: str, first_year: int, last_year: int) -> str:
    return vtimezone(tzid, first_year, last_year).to_ical().decode()


# What one event contributes to a feed: the years its sessions span (for the VTIMEZONE) and its
# VEVENTs' bytes (empty when it has no session to show).
Fragment = tuple[YearSpan | None, bytes]


def calendar_bytes(
    events: Iterable[EventPage | CalendarEvent],
    *,
    name: str,
    method: str = "PUBLISH",
    refresh_minutes: int = 60,
    fragments: MutableMapping[int, Fragment] | None = None,
) -> bytes:
    """``calendar_for_events(...).to_ical()``, written directly: the feeds' fast path.

    One pass, each event's text encoded as soon as it is written, so a request holds the feed's
    bytes and little else; the VTIMEZONE (which must cover every year in the feed) is put in
    its place at the end.

    ``fragments``: each event's bytes by its id, read and filled here, for a caller that knows
    they still hold (the feeds keep them per content version: an event's text depends on its
    published content only), so a feed of events written for an earlier feed is mostly joins.
    """
    end = b"END:VCALENDAR\r\n"
    header = calendar_header(name=name, method=method, refresh_minutes=refresh_minutes)
    parts: list[bytes] = [header.to_ical().removesuffix(end), b""]
    spans: list[YearSpan | None] = []
    for event in events:
        fragment = fragments.get(event.pk) if fragments is not None else None
        if fragment is None:
            fragment = _event_fragment(event)
            if fragments is not None:
                fragments[event.pk] = fragment
        span, text = fragment
        if not text:
            continue
        spans.append(span)
        parts.append(text)
    if years := timezone_years(spans):
        parts[1] = _vtimezone_text(settings.TIME_ZONE, *years).encode()
    parts.append(end)
    return b"".join(parts)


def _event_fragment(event: EventPage | CalendarEvent) -> Fragment:
    items = event_items(as_calendar_event(event))
    if not items:
        return None, b""
    return year_span(items), ("\r\n".join(_event_text(items)) + "\r\n").encode()
