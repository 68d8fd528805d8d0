"""The events the widget's browser tests show: one of each kind a visitor meets, published the
way editors publish them, and the Danish dates a visitor should read for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from events.models import EventPage
from tests.events.conftest import build_event, local
from tests.events.registrations import sign_up

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
CONTACT = "kontakt@vive.example"


def danish_day(moment: datetime) -> str:
    """``fredag den 15. januar 2027``: a day as a Danish reader writes it, in Copenhagen."""
    moment = timezone.localtime(moment)
    return (
        f"{WEEKDAYS[moment.weekday()]} den {moment.day}. {MONTHS[moment.month - 1]} {moment.year}"
    )


def danish_month(moment: datetime) -> str:
    """``januar 2027``: the calendar's caption for the month of ``moment``."""
    moment = timezone.localtime(moment)
    return f"{MONTHS[moment.month - 1]} {moment.year}"


def month_after(moment: datetime) -> datetime:
    moment = timezone.localtime(moment)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return local(year, month, 1, 12)


@dataclass
class Programme:
    """VIVE's events (one of each state), and one of another partner's."""

    open: EventPage
    waiting: EventPage
    full: EventPage
    staff: EventPage
    cancelled: EventPage
    other_partner: EventPage

    def of_vive(self) -> list[EventPage]:
        return [self.open, self.waiting, self.full, self.staff, self.cancelled]


def in_days(days: int, hour: int = 9) -> dict:
    start = timezone.localtime() + timedelta(days=days)
    start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return {"start": start, "end": start + timedelta(hours=3)}


def programme_build(vive, bv) -> Programme:
    next_month = month_after(timezone.now())
    fifteenth = next_month.replace(day=15, hour=10)
    open_event = build_event(
        vive,
        title="Webinar om børnesamtaler",
        capacity=30,
        contact_name="Karen Kontakt",
        contact_email=CONTACT,
        sessions=[{"start": fifteenth, "end": fifteenth + timedelta(hours=2)}],
    )
    waiting = build_event(
        vive,
        title="Konference om netværksmøder",
        event_type="conference",
        format="physical",
        venue_name="Vartov",
        venue_city="København",
        capacity=1,
        waiting_list_enabled=True,
        sessions=[in_days(20)],
    )
    full = build_event(
        vive,
        title="Workshop om børnesamtaler i praksis",
        event_type="workshop",
        capacity=1,
        waiting_list_enabled=False,
        sessions=[in_days(25)],
    )
    for event in (waiting, full):
        sign_up(event)
    staff = build_event(
        vive,
        title="Rådgivningsforløb om børneinddragelse",
        event_type="advisory_course",
        participation="staff_group",
        capacity=20,
        sessions=[in_days(40)],
    )
    cancelled = build_event(
        vive,
        title="Webinar om handleplaner",
        status="cancelled",
        status_reason="Oplægsholderen er syg.",
        sessions=[in_days(10)],
    )
    other = build_event(bv, title="Netværksmøde hos Børns Vilkår", sessions=[in_days(12)])
    return Programme(open_event, waiting, full, staff, cancelled, other)
