"""Calendars of the centre's events, built by pure functions (no requests, no writes).

The feeds (``api/views/feeds.py``) and the emails' attachments (``events/mail/services.py``) both
call these, so a calendar client sees the same event the same way wherever it came from:

- one VEVENT per session, its UID the session's uuid for good: a moved session keeps its UID and
  gets a higher SEQUENCE, so clients update it in place;
- DTSTAMP and LAST-MODIFIED are the event's last publish, never the time of the request, so the
  same content gives the same bytes;
- times carry TZID=Europe/Copenhagen with a VTIMEZONE in the RRULE form Outlook reads, and
  all-day sessions are VALUE=DATE with an exclusive end;
- cancelled sessions stay as STATUS:CANCELLED with "AFLYST: " before the summary, for clients
  that hide the status;
- the join URL only when a caller passes it (a confirmed registrant's own calendar).

The modules, in the order data flows through them: ``data`` (events and sessions as plain data,
from pages or query rows), ``text`` (DESCRIPTION), ``timezones``, ``items`` (one session's
VEVENT worked out once), then the two writers: ``builders`` (icalendar components, the reference
and the emails' attachments) and ``writer`` (the feeds' fast path, byte-identical).
``selectors`` reads what the feeds show. This package re-exports the writers' public API.
"""

from events.ical.builders import (
    PRODID,
    calendar_for_event,
    calendar_for_events,
    calendar_for_registrant,
    item_vevent,
)
from events.ical.data import (
    UID_DOMAIN,
    CalendarEvent,
    CalendarSession,
    calendar_event,
    calendar_session,
    event_uid,
    event_url,
    is_online,
    partner_event_url,
    session_uid,
)
from events.ical.items import CANCELLED_PREFIX, POSTPONED_PREFIX, SessionItem, event_items
from events.ical.itip import Attendee, addressed_to
from events.ical.names import CALENDAR_PREFIX, feed_name
from events.ical.text import event_description, html_to_text
from events.ical.timezones import vtimezone, wall_time
from events.ical.writer import calendar_bytes

__all__ = [
    "Attendee",
    "addressed_to",
    "CALENDAR_PREFIX",
    "UID_DOMAIN",
    "CANCELLED_PREFIX",
    "POSTPONED_PREFIX",
    "PRODID",
    "CalendarEvent",
    "CalendarSession",
    "SessionItem",
    "calendar_bytes",
    "calendar_event",
    "calendar_for_event",
    "calendar_for_events",
    "calendar_for_registrant",
    "calendar_session",
    "event_description",
    "event_items",
    "event_uid",
    "event_url",
    "feed_name",
    "html_to_text",
    "is_online",
    "item_vevent",
    "partner_event_url",
    "session_uid",
    "vtimezone",
    "wall_time",
]
