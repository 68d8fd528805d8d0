"""Offers of freed seats to the waiting list, for events that make them
(``EventPage.waiting_list_offer_hours``; without it the waiting list moves up by itself).

A freed seat is offered to the first on the waiting list: the registration leaves the list,
holds the seat as ``offered`` until ``offer_expires_at`` (never after the event starts or
registration closes), and the person gets a link to claim it or to say no thanks. Unclaimed by
the deadline, the offer expires (``offers_expire``, every minute) and passes on to the next.

Every step takes the event's row lock first (``events.registrations.seats``), so a claim
racing the expiry, or two workers expiring at once, never hand out a seat twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.errors import EventsError
from events.mail.services import registration_notify
from events.models import (
    CancelReason,
    EmailKind,
    EventPage,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from events.registrations.seats import (
    _close_gaps,
    _confirm,
    _lock_event,
    _lock_registration,
    _promote_in_order,
    _promotion_open,
    _registration_closes,
    _waiting_who_fit,
)


def offer_deadline(event: EventPage, now: datetime) -> datetime:
    """Now plus the event's hours, but never after its first start nor after registration
    closes."""
    deadline = now + timedelta(hours=event.waiting_list_offer_hours or 0)
    for limit in (event.first_start, _registration_closes(event)):
        if limit is not None and limit < deadline:
            deadline = limit
    return deadline


def offers_make(*, event: EventPage, now: datetime) -> list[Registration]:
    """Offer the free seats to the first on the waiting list, in order, and tell each person.

    The caller holds the event's lock. Offered seats count as taken, so a second call (another
    worker, a retried task) finds no free seat and offers nothing."""
    if not _promotion_open(event, now):
        return []
    deadline = offer_deadline(event, now)
    if deadline <= now:
        return []
    offered = _waiting_who_fit(event)
    positions = [registration.waiting_position for registration in offered]
    for registration in offered:
        registration.status = RegistrationStatus.OFFERED
        registration.waiting_position = None
        registration.offer_expires_at = deadline
        registration.save(
            update_fields=["status", "waiting_position", "offer_expires_at", "updated_at"]
        )
    _close_gaps(event, positions)
    for registration in offered:
        registration.event = event
        registration_notify(registration=registration, kind=EmailKind.OFFERED)
    return offered


def _pass_on(event: EventPage, now: datetime) -> None:
    """A seat an offer held goes to whoever is next: offered, or given in order if the
    event's editors have switched offers off since the offer went out."""
    if event.waiting_list_offer_hours:
        offers_make(event=event, now=now)
    else:
        _promote_in_order(event, now)


def _offer_end(registration: Registration, *, reason: str, now: datetime) -> None:
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = reason
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])


def _check_offer(registration: Registration) -> None:
    """The registration, locked by the caller, is offered a seat now."""
    if registration.anonymised_at is not None:
        raise EventsError("anonymised")
    if registration.status != RegistrationStatus.OFFERED:
        raise EventsError("offer_not_open")


@transaction.atomic
def offer_claim(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The person takes the offered seat (by the link in the offer), before the deadline: they
    are confirmed and get the confirmation with the calendar file. Claiming a seat already
    claimed changes nothing (a second click)."""
    now = now or timezone.now()
    event, locked = _lock_registration(registration)
    if locked.status == RegistrationStatus.CONFIRMED and locked.offer_expires_at is not None:
        return locked
    _check_offer(locked)
    if event.status == EventStatus.CANCELLED:
        raise EventsError("event_cancelled")
    if locked.offer_expires_at is None or now >= locked.offer_expires_at:
        raise EventsError("offer_expired")
    _confirm(locked, now)
    registration_notify(registration=locked, kind=EmailKind.CONFIRMATION)
    return locked


@transaction.atomic
def offer_decline(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The person says no thanks: they leave the waiting list, and the seat is offered to the
    next at once."""
    now = now or timezone.now()
    event, locked = _lock_registration(registration)
    _check_offer(locked)
    _offer_end(locked, reason=CancelReason.OFFER_DECLINED, now=now)
    registration_notify(registration=locked, kind=EmailKind.CANCELLED)
    _pass_on(event, now)
    return locked


def _event_offers_expire(event_id: int, now: datetime) -> int:
    with transaction.atomic():
        event = _lock_event(event_id)
        # Read again under the lock: another worker, or a claim, may have got here first.
        due = list(
            Registration.objects.select_for_update()
            .filter(event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
            .order_by("offer_expires_at", "pk")
        )
        for registration in due:
            _offer_end(registration, reason=CancelReason.OFFER_EXPIRED, now=now)
            registration.event = event
            registration_notify(registration=registration, kind=EmailKind.OFFER_EXPIRED)
        if due:
            _pass_on(event, now)
        return len(due)


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire every offer past its deadline, telling each person, and offer their seats to the
    next on the waiting list; one transaction per event. Idempotent: a second run, or a second
    worker at the same time, finds nothing due. Returns how many offers expired."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    return sum(_event_offers_expire(event_id, now) for event_id in list(event_ids))
