"""Writes of registrations after sign-up (``events.registrations.signups``): cancellation, the
waiting list and its promotion, attendance, and a registrant's calendar key (staff-group
applications after sign-up:
``events.registrations.applications``; offers of freed seats, for events that make them:
``events.registrations.offers``).

Seats are counted under a row lock on the event (``events.registrations.seats``), so web and
worker processes on several machines never hand out one seat twice."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from events.courses.services import attendance_clear, attendance_set_started
from events.errors import EventsError
from events.mail.member_emails import members_notify
from events.mail.services import registration_notify
from events.models import (
    SEAT_STATUSES,
    AttendanceStatus,
    CancelReason,
    EmailKind,
    EventPage,
    RegistrantFeedKey,
    Registration,
    RegistrationStatus,
)
from events.models.registrations import new_token
from events.registrations.offers import offers_make
from events.registrations.seats import (
    _close_gaps,
    _confirm,
    _has_room,
    _lock_event,
    _lock_registration,
    _promote_in_order,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _promote_waiting(event: EventPage, now: datetime) -> list[Registration]:
    """Fill free seats from the top of the waiting list, in order, and tell each person; an
    event that makes offers (``waiting_list_offer_hours``) offers them instead."""
    if event.waiting_list_offer_hours:
        return offers_make(event=event, now=now)
    return _promote_in_order(event, now)


#: The longest explanation a moderator may give the registrant for cancelling.
EXPLANATION_MAX_LENGTH = 1000


def cancel_explanation_clean(explanation: str) -> str:
    """A moderator's reason for cancelling, as the registrant will read it; raises EventsError
    (field ``reason``) if it is missing, too long or holds a control character."""
    explanation = explanation.strip().replace("\r\n", "\n")
    if not explanation:
        raise EventsError("cancel_reason_required")
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise EventsError("cancel_reason_too_long", limit=EXPLANATION_MAX_LENGTH)
    if any(not (char.isprintable() or char == "\n") for char in explanation):
        raise EventsError("cancel_reason_invalid")
    return explanation


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    reason: str = CancelReason.REGISTRANT,
    explanation: str = "",
    notify: bool = True,
    now: datetime | None = None,
) -> Registration:
    """Cancel a registration or application; a freed seat goes to the waiting list's first.

    The registrant cannot cancel once the event has started (the organiser can). The organiser
    (``CancelReason.ORGANISER``) must give an ``explanation``: the registrant's email says the
    centre cancelled, and why. Cancelling an already cancelled registration changes nothing.
    """
    now = now or timezone.now()
    if reason == CancelReason.ORGANISER:
        explanation = cancel_explanation_clean(explanation)
    event, registration = _lock_registration(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if (
        reason == CancelReason.REGISTRANT
        and event.first_start is not None
        and now >= event.first_start
    ):
        raise EventsError("started")
    was, position = registration.status, registration.waiting_position
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = reason
    registration.cancelled_at = now
    registration.waiting_position = None
    registration.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancelled_at",
            "waiting_position",
            "updated_at",
        ]
    )
    if was == RegistrationStatus.WAITING_LIST:
        _close_gaps(event, [position])
    if notify:
        registration_notify(registration=registration, kind=EmailKind.CANCELLED, note=explanation)
        if was == RegistrationStatus.CONFIRMED:
            members_notify(registration=registration, kind=EmailKind.MEMBER_CANCELLED)
    if was in SEAT_STATUSES:
        _promote_waiting(event, now)
    return registration


def _seat_give(
    event: EventPage, registration: Registration, *, by, now: datetime, kind: str
) -> Registration:
    """The organiser's decision that gives a waiting or applying registration its seats, if
    they fit; the caller holds the event's lock and has checked the registration's state."""
    if not _has_room(event, registration.participants):
        raise EventsError("no_seats")
    registration.decided_by = by
    registration.decided_at = now
    registration.save(update_fields=["decided_by"])
    _confirm(registration, now)
    registration_notify(registration=registration, kind=kind)
    return registration


@transaction.atomic
def registration_promote(
    *, registration: Registration, by: User | None = None, now: datetime | None = None
) -> Registration:
    """The organiser gives a seat to someone on the waiting list (when seats are free), or
    the seat offered to them (which they hold already) without waiting for their answer."""
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    if registration.status == RegistrationStatus.OFFERED:
        registration.decided_by = by
        registration.decided_at = now
        registration.save(update_fields=["decided_by"])
        _confirm(registration, now)
        registration_notify(registration=registration, kind=EmailKind.PROMOTED)
        return registration
    if registration.status != RegistrationStatus.WAITING_LIST:
        raise EventsError("not_waiting")
    position = registration.waiting_position
    _seat_give(event, registration, by=by, now=now, kind=EmailKind.PROMOTED)
    _close_gaps(event, [position])
    return registration


@transaction.atomic
def registration_waiting_list_advance(
    *, event: EventPage, now: datetime | None = None
) -> list[Registration]:
    """Give seats that have become free (an editor raised the capacity or made it unlimited)
    to the waiting list's first, in order, and tell them. Called when an event is published;
    changes nothing when no seat is free or registration has closed."""
    now = now or timezone.now()
    return _promote_waiting(_lock_event(event.pk), now)


@transaction.atomic
def registration_attendance_set(
    *, registration: Registration, attended: bool | None, by: User | None = None
) -> Registration:
    """The organiser records whether a confirmed registrant came, in one step for the whole
    event: present (or absent) at every session that has begun (None: forget every record).
    Attendance per session is ``events.courses.services``; ``attended`` is its summary."""
    if attended is None:
        attendance_clear(registration=registration)
    else:
        status = AttendanceStatus.PRESENT if attended else AttendanceStatus.ABSENT
        attendance_set_started(registration=registration, status=status, by=by)
    registration.refresh_from_db()
    return registration


def registrant_feed_key(*, email: str) -> RegistrantFeedKey:
    key, _ = RegistrantFeedKey.objects.get_or_create(email=email.strip().lower())
    return key


@transaction.atomic
def registrant_feed_key_rotate(*, email: str) -> RegistrantFeedKey:
    """A new secret: every feed link made before stops working."""
    key = registrant_feed_key(email=email)
    key.secret = new_token()
    key.save(update_fields=["secret"])
    return key
