"""Reminders, join links and follow-ups that fall due with time (run every minute).

Nothing here remembers what it did: each email's ``dedupe_key`` names its cause, including the
session's start, so a moved session gets reminders for its new time, a retry or a second
cluster finds the key taken, and a reminder is never sent twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from events.mail.compose import EmailContext
from events.mail.event_notices import follow_up_notify
from events.mail.member_emails import (
    member_join_link_key,
    member_join_link_notify,
    member_links,
    named_members,
)
from events.mail.services import (
    _join_url_for,
    _registration_links,
    email_write,
    join_link_due_at,
    join_link_key,
    join_link_notify,
)
from events.models import (
    EmailKind,
    EventPage,
    EventSession,
    EventStatus,
    OutboundEmail,
    Registration,
)
from events.models.pages import DEFAULT_REMINDER_HOURS
from events.webinars.links import LinkBook, event_has_join_link

MAX_REMINDER_HOURS = 24 * 60
FOLLOW_UP_WINDOW = timedelta(days=14)


def _offsets(event: EventPage) -> list[int]:
    try:
        return event.reminder_offsets()
    except ValueError:
        return list(DEFAULT_REMINDER_HOURS.get(event.event_type, (24,)))


def _carries_join_link(event: EventPage, session: EventSession, hours: int, has_link: bool) -> bool:
    """The join link email stands in for the reminder at the same moment before the start."""
    first = min(
        (s for s in event.sessions.all() if s.starts_at() is not None),
        key=lambda s: s.starts_at(),
        default=None,
    )
    return has_link and hours == event.join_link_hours and session == first


def _reminder_key(recipient: int | str, session: EventSession, hours: int) -> str:
    """``recipient``: the registration's id, or ``m<id>`` for a staff group's named member."""
    return f"reminder:{recipient}:{session.uuid}:{hours}:{session.starts_at().isoformat()}"


def _members_remind(
    registration: Registration, event: EventPage, session: EventSession, hours: int, taken: set
) -> int:
    """The reminder to each named participant of a confirmed staff group (no name: their
    address came from the applicant)."""
    written = 0
    for member in named_members(registration):
        key = _reminder_key(f"m{member.pk}", session, hours)
        if key in taken:
            continue
        email = email_write(
            kind=EmailKind.REMINDER,
            to=member.email,
            dedupe_key=key,
            registration_id=registration.pk,
            context=EmailContext(
                kind=EmailKind.REMINDER,
                event=event,
                sessions=[session],
                links=member_links(member),
            ),
        )
        written += email is not None
    return written


def reminders_enqueue_due(*, now: datetime | None = None) -> int:
    """Write every reminder, join link and follow-up that is due and not yet written."""

    now = now or timezone.now()
    written = 0
    events = (
        EventPage.objects.live()
        .filter(first_start__lte=now + timedelta(hours=MAX_REMINDER_HOURS), last_end__gt=now)
        .exclude(status=EventStatus.CANCELLED)
        .prefetch_related("sessions")
    )
    for event in events:
        offsets = _offsets(event)
        due: list[tuple[EventSession, int, datetime]] = []
        for session in event.sessions.all():
            start = session.starts_at()
            if start is None or start <= now:
                continue
            if str(session.effective_status(event)) == EventStatus.CANCELLED:
                continue
            for hours in offsets:
                if start - timedelta(hours=hours) <= now:
                    due.append((session, hours, start - timedelta(hours=hours)))
        join_due_at = join_link_due_at(event)
        has_link = event_has_join_link(event)
        join_due = join_due_at is not None and join_due_at <= now and has_link
        if not due and not join_due:
            continue

        registrations = list(
            Registration.objects.filter(event=event, status="confirmed")
            .prefetch_related("members")
            .order_by("pk")
        )
        book = LinkBook(event, now=now)
        taken = set(
            OutboundEmail.objects.filter(
                event=event, kind__in=[EmailKind.REMINDER, EmailKind.JOIN_LINK]
            ).values_list("dedupe_key", flat=True)
        )
        for registration in registrations:
            for session in {s for s, _, _ in due}:
                # Only the nearest reminder due: a larger one not sent in time is stale.
                candidates = sorted(
                    (hours, due_at)
                    for s, hours, due_at in due
                    if s == session and registration.created_at <= due_at
                )
                if not candidates:
                    continue
                hours = candidates[0][0]
                if _carries_join_link(event, session, hours, has_link) and _join_url_for(
                    registration, event, book=book
                ):
                    continue
                written += _members_remind(registration, event, session, hours, taken)
                key = _reminder_key(registration.pk, session, hours)
                if key in taken:
                    continue
                email = email_write(
                    kind=EmailKind.REMINDER,
                    to=registration.email,
                    dedupe_key=key,
                    registration_id=registration.pk,
                    context=EmailContext(
                        kind=EmailKind.REMINDER,
                        event=event,
                        name=registration.name,
                        sessions=[session],
                        links=_registration_links(registration),
                    ),
                )
                written += email is not None
            join_url = _join_url_for(registration, event, book=book)
            if join_due and join_url and join_link_key(registration, join_url) not in taken:
                written += join_link_notify(registration=registration, book=book) is not None
            if join_due:
                for member in named_members(registration):
                    member_url = _join_url_for(registration, event, member, book=book)
                    if member_url and member_join_link_key(member, member_url) not in taken:
                        member.registration = registration
                        written += member_join_link_notify(member=member, book=book) is not None

    ended = EventPage.objects.live().filter(last_end__lte=now, last_end__gt=now - FOLLOW_UP_WINDOW)
    for event in ended.exclude(status=EventStatus.CANCELLED):
        written += follow_up_notify(event=event, now=now)
    return written
