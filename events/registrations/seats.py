"""What seats are counted by, for every write that moves a seat: the lock on the event's row
(always taken before a registration's row, so two writes never deadlock), the count, whether
registration or the waiting list is open, the waiting list's positions, and its automatic
promotion.

A confirmed registration holds its seats, and so does an offered one until it is claimed,
declined or expires (``events.registrations.offers``).

Private to ``events.registrations``: the services, the staff-group applications and the offers
use them while they hold the lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from events.errors import EventsError
from events.mail.services import registration_notify
from events.models import (
    SEAT_STATUSES,
    EmailKind,
    EventPage,
    EventStatus,
    Registration,
    RegistrationStatus,
)


def _lock_event(event_id: int) -> EventPage:
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def _lock_registration(registration: Registration) -> tuple[EventPage, Registration]:
    """The event first, then the registration: always in this order, so no deadlock."""
    event = _lock_event(registration.event_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.event = event
    return event, locked


def seats_taken(event_id: int) -> int:
    """Seats held: confirmed registrations and offers not yet claimed, by participants."""
    return Registration.objects.filter(event_id=event_id, status__in=SEAT_STATUSES).aggregate(
        taken=Coalesce(Sum("participants"), 0)
    )["taken"]


def _registration_closes(event: EventPage) -> datetime | None:
    return event.registration_closes or event.first_start


def _check_open(event: EventPage, now: datetime) -> None:
    if event.status == EventStatus.CANCELLED:
        raise EventsError("event_cancelled")
    if event.registration_opens and now < event.registration_opens:
        raise EventsError("not_yet_open")
    closes = _registration_closes(event)
    if closes is not None and now >= closes:
        raise EventsError("closed")


def _promotion_open(event: EventPage, now: datetime) -> bool:
    """The waiting list moves until the event starts or registration closes."""
    if event.status == EventStatus.CANCELLED:
        return False
    if event.first_start is not None and now >= event.first_start:
        return False  # a deadline after the first session does not reopen a running course
    closes = _registration_closes(event)
    return closes is None or now < closes


def _has_room(event: EventPage, participants: int) -> bool:
    return event.capacity is None or seats_taken(event.pk) + participants <= event.capacity


def _close_gaps(event: EventPage, positions: Iterable[int | None]) -> None:
    """Those behind each removed position move up one, so positions stay 1..n."""
    for position in sorted((p for p in positions if p is not None), reverse=True):
        Registration.objects.filter(
            event=event, status=RegistrationStatus.WAITING_LIST, waiting_position__gt=position
        ).update(waiting_position=F("waiting_position") - 1)


def _confirm(registration: Registration, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.waiting_position = None
    registration.confirmed_at = now
    registration.save(
        update_fields=["status", "waiting_position", "confirmed_at", "updated_at", "decided_at"]
    )


def _waiting_who_fit(event: EventPage) -> list[Registration]:
    """The first on the waiting list, in order, whose participants fit the free seats (all of
    them when the event has no limit); the caller holds the event's lock."""
    free = None if event.capacity is None else event.capacity - seats_taken(event.pk)
    if free is not None and free <= 0:
        return []
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITING_LIST
    ).order_by("waiting_position", "pk")
    if free is not None:
        waiting = waiting[:free]
    fit: list[Registration] = []
    for registration in waiting:
        if free is not None and registration.participants > free:
            break
        fit.append(registration)
        if free is not None:
            free -= registration.participants
    return fit


def _promote_in_order(event: EventPage, now: datetime) -> list[Registration]:
    """Fill free seats from the top of the waiting list, in order, and tell each person (the
    automatic promotion; the caller holds the event's lock)."""
    if not _promotion_open(event, now):
        return []
    promoted = _waiting_who_fit(event)
    positions = [registration.waiting_position for registration in promoted]
    for registration in promoted:
        _confirm(registration, now)
    _close_gaps(event, positions)
    for registration in promoted:
        registration.event = event
        registration_notify(registration=registration, kind=EmailKind.PROMOTED)
    return promoted
