"""What the registrant's own page (``/tilmelding/<token>/``) says about the event: every
session, the organising partner, where to read about it and add it to a calendar, and when the
join link comes. Read only; the view hands it to the template as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from events.ical.data import event_url, is_online
from events.mail.compose import format_moment, format_when
from events.mail.services import join_link_due_at
from events.models import EventPage, EventStatus, Registration, RegistrationStatus


@dataclass(frozen=True, slots=True)
class SessionLine:
    title: str
    when: str
    where: str
    cancelled: bool


@dataclass(frozen=True, slots=True)
class RegistrantEvent:
    sessions: list[SessionLine]
    organiser: str
    co_organisers: list[str]
    page_url: str
    ics_url: str
    join_link: str  # when the join link comes, in Danish; "" for an event in a room


def _join_link_text(registration: Registration, event: EventPage, now: datetime) -> str:
    """One sentence on the join link, for an online or hybrid event (never the link itself:
    it goes to the registrant's email only)."""
    if not is_online(event) or registration.status == RegistrationStatus.CANCELLED:
        return ""
    if event.status == EventStatus.CANCELLED:
        return ""
    due = join_link_due_at(event)
    if registration.status != RegistrationStatus.CONFIRMED:
        if due is None:
            return "Får du en plads, sender vi dig linket til at deltage på mail."
        return (
            "Får du en plads, sender vi dig linket til at deltage på mail "
            f"{format_moment(due)} (eller straks, hvis du får pladsen senere)."
        )
    if due is None:
        return "Du får linket til at deltage på mail inden arrangementet."
    if due <= now:
        return (
            "Linket til at deltage er sendt til din e-mail. Kan du ikke finde det, så kig i "
            "dit spamfilter eller kontakt arrangøren."
        )
    return f"Du får linket til at deltage på mail {format_moment(due)}."


def registrant_event(*, registration: Registration, now: datetime) -> RegistrantEvent:
    event: EventPage = registration.event
    sessions = [
        SessionLine(
            title=session.title,
            when=format_when(session),
            where=session.effective_location(event),
            cancelled=str(session.effective_status(event)) == EventStatus.CANCELLED,
        )
        for session in event.sessions.all()
        if session.starts_at() is not None
    ]
    return RegistrantEvent(
        sessions=sessions,
        organiser=event.partner.name if event.partner else "",
        co_organisers=[partner.name for partner in event.co_organisers.all()],
        page_url=event_url(event),
        ics_url=reverse("feeds:event", kwargs={"pk": event.pk}),
        join_link=_join_link_text(registration, event, now),
    )
