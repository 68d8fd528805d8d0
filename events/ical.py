"""Calendars of the centre's events, built by pure functions (no requests, no writes).

The feeds (``api/feeds.py``) and the emails' attachments (``events/notifications.py``) both call
these, so a calendar client sees the same event the same way wherever it came from:

- one VEVENT per session, its UID the session's uuid for good: a moved session keeps its UID and
  gets a higher SEQUENCE, so clients update it in place;
- DTSTAMP and LAST-MODIFIED are the event's last publish, never the time of the request, so the
  same content gives the same bytes;
- times carry TZID=Europe/Copenhagen with a VTIMEZONE in the RRULE form Outlook reads, and
  all-day sessions are VALUE=DATE with an exclusive end;
- cancelled sessions stay as STATUS:CANCELLED with "AFLYST: " before the summary, for clients
  that hide the status;
- the join URL only when a caller passes it (a confirmed registrant's own calendar).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText
from icalendar.parser import Contentline

from events.models import (
    EventFormat,
    EventPage,
    EventSession,
    EventStatus,
    EventType,
    SessionStatus,
    centre_tz,
)
from events.models.pages import LOCATION_FIELDS, location_text

PRODID = "-//Videnscenter om børneinddragelse og udsatte børns liv//Kalender//DA"
UID_DOMAIN = "videnscenter-boerneinddragelse.dk"
CALENDAR_PREFIX = "Videnscenter om børneinddragelse"
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)
CANCELLED_PREFIX = "AFLYST: "
POSTPONED_PREFIX = "UDSAT: "

STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.MOVED_ONLINE: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}


# --- plain text -------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Rich text to readable plain text: paragraphs apart, list items as "- ", links kept.

    Written here because the usual converters (html2text) emit Markdown, which calendar clients
    show literally.
    """

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._href:
            text = "".join(self._link_text).strip()
            if self._href.startswith(("http://", "https://", "mailto:")) and self._href != text:
                self.parts.append(f" ({self._href.removeprefix('mailto:')})")
            self._href = None

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


def html_to_text(value: str) -> str:
    parser = _TextExtractor()
    parser.feed(value or "")
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _body_text(body: Sequence[dict]) -> str:
    """The body's raw blocks as paragraphs; consecutive programme items form one list."""
    text = ""
    previous = None
    for block in body:
        kind, value = block.get("type"), block.get("value") or {}
        if kind == "paragraph":
            part = html_to_text(value if isinstance(value, str) else "")
        elif kind == "programme_item":
            part = "- " + f"{value.get('time') or ''} {value.get('title') or ''}".strip()
            if value.get("speakers"):
                part += f" ({value['speakers']})"
        elif kind == "speaker":
            part = ", ".join(p for p in (value.get("name"), value.get("title")) if p)
        else:
            continue
        if not part:
            continue
        if text:
            text += "\n" if kind == previous == "programme_item" else "\n\n"
        text += part
        previous = kind
    return text


def event_description(event: CalendarEvent, *, join_url: str | None = None) -> str:
    parts = [event.teaser.strip()] if event.teaser else []
    if event.status != EventStatus.SCHEDULED and event.status_reason:
        label = _status_labels().get(event.status, event.status)
        parts.append(f"{label}: {event.status_reason.strip()}")
    if body := _body_text(event.body):
        parts.append(body)
    if join_url:
        platform = f" ({event.platform_name})" if event.platform_name else ""
        parts.append(f"Deltag online{platform}: {join_url}")
    practical = []
    if event.price_text:
        practical.append(f"Pris: {event.price_text}")
    if event.contact_email or event.contact_name:
        contact = ", ".join(p for p in (event.contact_name, event.contact_email) if p)
        practical.append(f"Kontakt: {contact}")
    if practical:
        parts.append("\n".join(practical))
    parts.append(f"Læs mere og tilmeld dig: {event.url}")
    return "\n\n".join(parts)


def event_url(event: EventPage) -> str:
    """Where a person reads about the event and signs up: the partner's own event page when
    the partner has said where those live, else the centre's own API detail."""
    template = event.partner.event_url_template if event.partner_id else ""
    return partner_event_url(event.pk, event.slug, template)


def partner_event_url(pk: int, slug: str, template: str | None) -> str:
    if template:
        return template.format(id=pk, slug=slug)
    return f"{settings.BASE_URL}/api/v1/events/{pk}/"


# --- time zones -------------------------------------------------------------------------------


def _eu_rules_hold(zone: ZoneInfo, first: int, last: int) -> bool:
    """Whether the zone changes clocks by the EU rule (last Sunday of March and October, 01:00
    UTC) in every year from ``first`` to ``last``."""
    for year in range(first, last + 1):
        for month in (3, 10):
            last_sunday = max(day for day in range(25, 32) if date(year, month, day).weekday() == 6)
            switch = datetime(year, month, last_sunday, 1, tzinfo=UTC)
            before = (switch - timedelta(minutes=1)).astimezone(zone).utcoffset()
            after = switch.astimezone(zone).utcoffset()
            if before == after:
                return False
    return True


@cache
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` valid for every date from ``first_year`` to ``last_year``.

    Zones that follow the EU rules get the compact RRULE form that Outlook, Google and Apple all
    read; any other zone gets icalendar's explicit transitions for the range.
    """
    zone = ZoneInfo(tzid)
    jan = datetime(first_year, 1, 15, tzinfo=zone)
    jul = datetime(first_year, 7, 15, tzinfo=zone)
    if _eu_rules_hold(zone, first_year, last_year):
        standard, daylight = jan.utcoffset(), jul.utcoffset()
        component = Calendar.from_ical(
            "BEGIN:VTIMEZONE\r\n"
            f"TZID:{tzid}\r\n"
            f"X-LIC-LOCATION:{tzid}\r\n"
            "BEGIN:DAYLIGHT\r\n"
            f"TZOFFSETFROM:{_offset(standard)}\r\n"
            f"TZOFFSETTO:{_offset(daylight)}\r\n"
            f"TZNAME:{jul.tzname()}\r\n"
            f"DTSTART:19700329T{_hhmm(standard + timedelta(hours=1))}00\r\n"
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
            "END:DAYLIGHT\r\n"
            "BEGIN:STANDARD\r\n"
            f"TZOFFSETFROM:{_offset(daylight)}\r\n"
            f"TZOFFSETTO:{_offset(standard)}\r\n"
            f"TZNAME:{jan.tzname()}\r\n"
            f"DTSTART:19701025T{_hhmm(daylight + timedelta(hours=1))}00\r\n"
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
            "END:STANDARD\r\n"
            "END:VTIMEZONE\r\n"
        )
        return component
    return Timezone.from_tzinfo(
        zone, tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
    )


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _hhmm(delta: timedelta) -> str:
    """The local wall time of a 01:00 UTC switch, as HHMM."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def wall_time(instant: datetime) -> datetime:
    """The instant as the centre's wall time (written with TZID), or in UTC when that wall
    time is ambiguous.

    In the hour the clocks go back, 02:30 happens twice. RFC 5545 says a TZID time means the
    first occurrence, but parsers disagree (ical.js, and so Thunderbird, takes the second), so
    such an instant is written in UTC, which every parser reads the same. A wall time that
    does not exist (the hour skipped in March) never comes out of a conversion from an instant.
    """
    local = timezone.localtime(instant, centre_tz()).replace(microsecond=0)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC).replace(microsecond=0)
    return local


# --- events ---------------------------------------------------------------------------------
#
# The builders read plain data, not pages: ``calendar_event`` makes it from an EventPage (the
# emails, one event's feed), ``calendar_event_from_row`` from a query's rows (the feeds, which
# would spend half their time building page instances).


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
                datetime.combine(self.start_date, time.min, centre_tz())
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


def calendar_session_from_row(row: Sequence) -> CalendarSession:
    """A row of ``values_list(*SESSION_FIELDS)``."""
    *fields, status = row[1:]
    return CalendarSession(*fields, cancelled=status == SessionStatus.CANCELLED)


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
        organizer_name=event.partner.name if event.partner_id else None,
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
        stamp=_stamp(row["last_published_at"], row["latest_revision_created_at"]),
        created=_stamp(row["first_published_at"], row["last_published_at"]),
        topics=tuple(sorted(topics)),
        sessions=tuple(sessions),
    )


def _as_calendar_event(event: EventPage | CalendarEvent) -> CalendarEvent:
    return event if isinstance(event, CalendarEvent) else calendar_event(event)


def session_uid(session: EventSession | CalendarSession) -> str:
    return f"{session.uuid}@{UID_DOMAIN}"


def event_uid(event: EventPage | CalendarEvent) -> str:
    """The parent that RELATED-TO ties a course's sessions to."""
    return f"event-{event.pk}@{UID_DOMAIN}"


def _sorted_sessions(sessions: Iterable[CalendarSession]) -> list[CalendarSession]:
    return sorted(
        sessions,
        key=lambda s: (s.starts_at() is None, s.starts_at() or EPOCH, s.sort_order or 0, s.pk or 0),
    )


def _stamp(*candidates: datetime | None) -> datetime:
    """The first moment given, in whole UTC seconds (the epoch when there is none)."""
    value = next((c for c in candidates if c is not None), EPOCH)
    return value.astimezone(UTC).replace(microsecond=0)


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
        sender = settings.DEFAULT_FROM_EMAIL.rsplit("<")[-1].strip(">")
        organizer = (f"mailto:{event.contact_email or sender}", event.organizer_name)
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


def item_vevent(item: SessionItem) -> Event:
    """The VEVENT of one session, as an icalendar component."""
    vevent = Event()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", item.stamp)
    vevent.add("created", item.created)
    vevent.add("last-modified", item.stamp)
    vevent.add("sequence", item.sequence)
    vevent.add("dtstart", item.start)
    vevent.add("dtend", item.end)
    if item.all_day:
        vevent.add("transp", "TRANSPARENT")
    vevent.add("summary", item.summary)
    vevent.add("description", item.description)
    if item.location:
        vevent.add("location", item.location)
    vevent.add("url", item.url)
    vevent.add("status", item.status)
    if item.categories:
        vevent.add("categories", list(item.categories))
    if item.organizer:
        organizer = vCalAddress(item.organizer[0])
        organizer.params["cn"] = vText(item.organizer[1])
        vevent.add("organizer", organizer)
    if item.related_to:
        vevent.add("related-to", item.related_to)
    if item.join_url:
        vevent.add("x-videnscenter-join-url", item.join_url)
    return vevent


@cache
def _type_labels() -> dict[str, str]:
    # get_event_type_display() hashes the lazy choices on every call: too slow per event.
    return {value: str(label) for value, label in EventType.choices}


@cache
def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in EventStatus.choices}


def _categories(event: CalendarEvent) -> list[str]:
    labels = [_type_labels().get(event.event_type, event.event_type)] if event.event_type else []
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


def _calendar_header(*, name: str, method: str, refresh_minutes: int) -> Calendar:
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
class _YearSpan:
    """The first and last year of some sessions' times, and whether any carries a TZID."""

    first: int
    last: int
    zoned: bool


def _year_span(items: Sequence[SessionItem]) -> _YearSpan | None:
    values = [value for item in items for value in (item.start, item.end)]
    if not values:
        return None
    return _YearSpan(
        first=min(value.year for value in values),
        last=max(value.year for value in values),
        # A date has no tzinfo; a time written in UTC needs no VTIMEZONE.
        zoned=any(isinstance(v, datetime) and v.tzinfo is not UTC for v in values),
    )


def _timezone_years(spans: Iterable[_YearSpan | None]) -> tuple[int, int] | None:
    """The years a VTIMEZONE must cover, or None when no time carries a TZID."""
    spans = [span for span in spans if span is not None]
    if not any(span.zoned for span in spans):
        return None
    return min(span.first for span in spans) - 1, max(span.last for span in spans) + 1


def _calendar(
    *, name: str, method: str, items: Sequence[SessionItem], refresh_minutes: int
) -> Calendar:
    calendar = _calendar_header(name=name, method=method, refresh_minutes=refresh_minutes)
    if years := _timezone_years([_year_span(items)]):
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
    items = [item for event in events for item in event_items(_as_calendar_event(event))]
    return _calendar(name=name, method=method, items=items, refresh_minutes=refresh_minutes)


def calendar_for_event(
    event: EventPage,
    *,
    method: str = "PUBLISH",
    sessions: Iterable[EventSession] | None = None,
    join_url: str | None = None,
) -> Calendar:
    """One event (or the given sessions of it): a feed of one, or an email's attachment.

    ``method="CANCEL"`` marks the sessions cancelled, as RFC 5546 asks of a cancellation.
    """
    chosen = [calendar_session(s) for s in sessions] if sessions is not None else None
    items = event_items(calendar_event(event), sessions=chosen, join_url=join_url)
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
    if value.tzinfo is UTC:
        return f"{name}:{_utc_text(value)}"
    return (
        f"{name};TZID={value.tzinfo.key}:{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


@cache
def _organizer_line(address: str, name: str) -> str:
    organizer = vCalAddress(address)
    organizer.params["cn"] = vText(name)
    return _fold(str(Contentline.from_parts("ORGANIZER", organizer.params, organizer)))


def _item_text(item: SessionItem, shared: dict[str, str]) -> str:
    """One VEVENT as folded lines; ``shared`` holds the lines the event's sessions share."""
    lines = [
        "BEGIN:VEVENT",
        _fold(f"SUMMARY:{_escape(item.summary)}"),
        _time_text("DTSTART", item.start),
        _time_text("DTEND", item.end),
        shared["stamp"],
        _fold(f"UID:{_escape(item.uid)}"),
        f"SEQUENCE:{item.sequence}",
    ]
    if item.categories:
        lines.append(shared["categories"])
    lines.append(shared["created"])
    lines.append(shared["description"])
    lines.append(shared["modified"])
    if item.location:
        lines.append(_fold(f"LOCATION:{_escape(item.location)}"))
    if item.organizer:
        lines.append(_organizer_line(*item.organizer))
    if item.related_to:
        lines.append(_fold(f"RELATED-TO:{_escape(item.related_to)}"))
    lines.append(f"STATUS:{_escape(item.status)}")
    if item.all_day:
        lines.append("TRANSP:TRANSPARENT")
    lines.append(_fold(f"URL:{item.url}"))
    if item.join_url:
        lines.append(_fold(f"X-VIDENSCENTER-JOIN-URL:{_escape(item.join_url)}"))
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def _event_text(items: Sequence[SessionItem]) -> Iterable[str]:
    if not items:
        return
    first = items[0]
    stamp = _utc_text(first.stamp)
    shared = {
        "stamp": f"DTSTAMP:{stamp}",
        "modified": f"LAST-MODIFIED:{stamp}",
        "created": f"CREATED:{_utc_text(first.created)}",
        "description": _fold(f"DESCRIPTION:{_escape(first.description)}"),
        "categories": _fold("CATEGORIES:" + ",".join(_escape(c) for c in first.categories)),
    }
    for item in items:
        yield _item_text(item, shared)


@cache
def _vtimezone_text(tzid: str, first_year: int, last_year: int) -> str:
    return vtimezone(tzid, first_year, last_year).to_ical().decode()


def calendar_bytes(
    events: Iterable[EventPage | CalendarEvent],
    *,
    name: str,
    method: str = "PUBLISH",
    refresh_minutes: int = 60,
) -> bytes:
    """``calendar_for_events(...).to_ical()``, written directly: the feeds' fast path.

    One pass, each event's text encoded as soon as it is written, so a request holds the feed's
    bytes and little else; the VTIMEZONE (which must cover every year in the feed) is put in
    its place at the end.
    """
    end = b"END:VCALENDAR\r\n"
    header = _calendar_header(name=name, method=method, refresh_minutes=refresh_minutes)
    parts: list[bytes] = [header.to_ical().removesuffix(end), b""]
    spans: list[_YearSpan | None] = []
    for event in events:
        items = event_items(_as_calendar_event(event))
        if not items:
            continue
        spans.append(_year_span(items))
        parts.append(("\r\n".join(_event_text(items)) + "\r\n").encode())
    if years := _timezone_years(spans):
        parts[1] = _vtimezone_text(settings.TIME_ZONE, *years).encode()
    parts.append(end)
    return b"".join(parts)


def feed_name(
    *, partners: Sequence[str] = (), types: Sequence[str] = (), extra: Sequence[str] = ()
) -> str:
    """A Danish calendar name that says what the selection is: "… – VIVE – webinarer"."""
    parts = [CALENDAR_PREFIX]
    if partners:
        parts.append(", ".join(partners))
    if types:
        parts.append(", ".join(types))
    parts.extend(extra)
    return " – ".join(parts)


def is_online(event: EventPage) -> bool:
    return event.format in (EventFormat.ONLINE, EventFormat.HYBRID) or (
        event.status == EventStatus.MOVED_ONLINE
    )
