"""Emails about an event as a whole, to everyone registered: its changes on publish (new
times, places, a cancellation) and the follow-up material once it is over. Written as outbox
rows like every email (``events.mail.services``), idempotent by their dedupe keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from events import ical
from events.mail.compose import EmailContext
from events.mail.member_emails import member_links, named_members
from events.mail.services import (
    ACTIVE,
    _registration_links,
    cause_digest,
    email_write,
    event_calendar,
)
from events.models import (
    EmailKind,
    EventPage,
    EventSession,
    EventStatus,
    OutboundEmail,
    Registration,
)
from home.api_values import document_json
from home.visibility import public_pages


def _active_registrations(
    event: EventPage, statuses: Iterable[str] = ACTIVE
) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event, status__in=list(statuses))
        .prefetch_related("members")
        .order_by("pk")
    )


def event_changes_notify(*, event: EventPage, sessions: list[EventSession]) -> int:
    """Tell registrants about sessions whose time, place, status or title changed on publish.

    One email per registrant per publish that changed something; cancelled sessions (or a
    cancelled event) get a cancellation with ``METHOD:CANCEL``, the rest an update with the
    same UIDs and the raised SEQUENCE.
    """
    if not sessions:
        return 0
    cancelled = [s for s in sessions if str(s.effective_status(event)) == EventStatus.CANCELLED]
    everything_cancelled = len(cancelled) == len(sessions)
    kind = EmailKind.EVENT_CANCELLED if everything_cancelled else EmailKind.EVENT_CHANGED
    method = "CANCEL" if everything_cancelled else "REQUEST"
    change = cause_digest(*sorted(f"{s.uuid}:{s.sequence}" for s in sessions))
    calendar_sessions = sessions if everything_cancelled else None
    statuses = ACTIVE if everything_cancelled else ("confirmed", "waiting_list", "offered")
    count = 0
    for registration in _active_registrations(event, statuses):
        confirmed = registration.status == "confirmed"
        written = email_write(
            kind=kind,
            to=registration.email,
            dedupe_key=f"{kind}:{registration.pk}:{change}",
            registration_id=registration.pk,
            ics=event_calendar(
                event,
                method=method,
                sessions=calendar_sessions,
                attendee=ical.Attendee(registration.email, registration.name),
            )
            if confirmed
            else "",
            ics_method=method if confirmed else "",
            context=EmailContext(
                kind=kind,
                event=event,
                name=registration.name,
                sessions=sessions if everything_cancelled else list(event.sessions.all()),
                status_reason=event.status_reason,
                links=_registration_links(registration),
            ),
        )
        count += written is not None
        if confirmed:
            count += _members_event_changes(event, registration, kind, change, sessions)
    return count


def _members_event_changes(
    event: EventPage,
    registration: Registration,
    kind: str,
    change: str,
    sessions: list[EventSession],
) -> int:
    """The named participants of a confirmed staff group are told of a change as well, each
    with the calendar file addressed to them."""
    method = "CANCEL" if kind == EmailKind.EVENT_CANCELLED else "REQUEST"
    calendar_sessions = sessions if kind == EmailKind.EVENT_CANCELLED else None
    count = 0
    for member in named_members(registration):
        written = email_write(
            kind=kind,
            to=member.email,
            dedupe_key=f"{kind}:m{member.pk}:{change}",
            registration_id=registration.pk,
            ics=event_calendar(
                event,
                method=method,
                sessions=calendar_sessions,
                attendee=ical.Attendee(member.email, member.name),
            ),
            ics_method=method,
            context=EmailContext(
                kind=kind,
                event=event,
                sessions=sessions
                if kind == EmailKind.EVENT_CANCELLED
                else list(event.sessions.all()),
                status_reason=event.status_reason,
                links=member_links(member),
            ),
        )
        count += written is not None
    return count


def _has_material(event: EventPage) -> bool:
    return bool(
        event.recording_url
        or event.evaluation_url
        or event.slides.exists()
        or event.related_knowledge.exists()
    )


def _material(event: EventPage) -> list[tuple[str, str]]:
    """The follow-up's links: the same slides and the same public knowledge items, by the same
    rule (``home.visibility.public_pages``), as the event's ``material`` in the API."""
    items: list[tuple[str, str]] = []
    if event.recording_url:
        items.append(("Optagelse", event.recording_url))
    for slide in event.slides.select_related("document"):
        document = document_json(slide.document, slide.title)
        items.append((document["title"], document["url"]))
    knowledge = public_pages(event.related_knowledge.all()).prefetch_related("documents__document")
    for item in knowledge:
        items.append((item.title, item.reader_url()))
    if event.evaluation_url:
        items.append(("Evaluering", event.evaluation_url))
    return items


def follow_up_notify(*, event: EventPage, now: datetime | None = None) -> int:
    """Material after the event, once per registrant, once the event is over and has some."""
    now = now or timezone.now()
    if event.last_end is None or event.last_end > now or event.status == EventStatus.CANCELLED:
        return 0
    if not _has_material(event):
        return 0
    taken = set(
        OutboundEmail.objects.filter(event=event, kind=EmailKind.FOLLOW_UP).values_list(
            "dedupe_key", flat=True
        )
    )
    registrations = [
        r for r in _active_registrations(event, ("confirmed",)) if f"follow_up:{r.pk}" not in taken
    ]
    if not registrations:
        return 0
    material = _material(event)
    count = 0
    for registration in registrations:
        written = email_write(
            kind=EmailKind.FOLLOW_UP,
            to=registration.email,
            dedupe_key=f"follow_up:{registration.pk}",
            registration_id=registration.pk,
            context=EmailContext(
                kind=EmailKind.FOLLOW_UP,
                event=event,
                name=registration.name,
                sessions=list(event.sessions.all()),
                material=material,
            ),
        )
        count += written is not None
    return count
