"""VTIMEZONE components and wall-clock times for the calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Component, Timezone


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
        standard, daylight = _utc_offset(jan), _utc_offset(jul)
        component: Component = Calendar.from_ical(
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
        # icalendar builds the component the text names; its types say Calendar.
        assert isinstance(component, Timezone)
        return component
    return Timezone.from_tzinfo(
        zone, tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
    )


def _utc_offset(moment: datetime) -> timedelta:
    """The offset of an aware datetime (``utcoffset`` is None only for a naive one)."""
    offset = moment.utcoffset()
    assert offset is not None
    return offset


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
    local = timezone.localtime(instant, timezone.get_default_timezone()).replace(microsecond=0)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC).replace(microsecond=0)
    return local
