"""Writes of registrations: sign-up, cancellation, the waiting list and its promotion,
attendance, and a registrant's calendar key (staff-group applications after sign-up:
``events.registrations.applications``; offers of freed seats, for events that make them:
``events.registrations.offers``).

Seats are counted under a row lock on the event (``events.registrations.seats``), so web and
worker processes on several machines never hand out one seat twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.errors import EventsError
from events.mail.services import registration_notify
from events.models import (
    ACTIVE_STATUSES,
    PRIVACY_TEXT_VERSION,
    SEAT_STATUSES,
    CancelReason,
    EmailKind,
    EventPage,
    EventStatus,
    IdempotentRequest,
    Participation,
    RegistrantFeedKey,
    Registration,
    RegistrationAnswer,
    RegistrationSource,
    RegistrationStatus,
)
from events.models.registrations import new_token
from events.registrations.answers import Answer, answers_check, option_places_check
from events.registrations.limits import application_limits_take
from events.registrations.offers import offers_make
from events.registrations.seats import (
    _close_gaps,
    _confirm,
    _lock_event,
    _lock_registration,
    _promote_in_order,
    _registration_closes,
    seats_taken,
)
from home.models import Audience, Municipality

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class SignUp:
    """What a sign-up answers: ``registration`` is the row (a new one, or the existing one for
    a repeated sign-up, or None for a replayed request), ``status`` and ``waiting_position``
    what the person is told — for a repeat, what a new sign-up would have got."""

    registration: Registration | None
    status: str
    waiting_position: int | None
    created: bool
    replayed: bool = False


def _check_open(event: EventPage, now: datetime) -> None:
    if event.status == EventStatus.CANCELLED:
        raise EventsError("event_cancelled")
    if event.registration_opens and now < event.registration_opens:
        raise EventsError("not_yet_open")
    closes = _registration_closes(event)
    if closes is not None and now >= closes:
        raise EventsError("closed")


def _has_room(event: EventPage, participants: int) -> bool:
    return event.capacity is None or seats_taken(event.pk) + participants <= event.capacity


def _promote_waiting(event: EventPage, now: datetime) -> list[Registration]:
    """Fill free seats from the top of the waiting list, in order, and tell each person; an
    event that makes offers (``waiting_list_offer_hours``) offers them instead."""
    if event.waiting_list_offer_hours:
        return offers_make(event=event, now=now)
    return _promote_in_order(event, now)


def _answers_save(registration: Registration, answers: list[Answer]) -> None:
    RegistrationAnswer.objects.bulk_create(
        RegistrationAnswer(
            registration=registration,
            key=answer.question.key,
            label=answer.question.label,
            kind=answer.question.kind,
            data_class=answer.question.data_class,
            value=answer.value,
            text=answer.text,
            sort_order=number,
        )
        for number, answer in enumerate(answers)
    )


def _fingerprint(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def registration_create(
    *,
    event_id: int,
    name: str,
    email: str,
    workplace: str,
    municipality: Municipality,
    job_role: Audience | None,
    consent: bool,
    privacy_version: str = PRIVACY_TEXT_VERSION,
    accessibility_needs: str = "",
    phone: str = "",
    participants: int = 1,
    unit: str = "",
    manager_name: str = "",
    manager_email: str = "",
    answers: Mapping[str, Any] | None = None,
    source: str = RegistrationSource.API,
    client: str = "",
    idempotency_key: str = "",
    now: datetime | None = None,
) -> SignUp:
    """Sign one person up (individual events) or file a staff group's application.

    ``answers`` answer the event's questions by key (``events.registrations.answers``); an
    option with places of its own must have room for the participants, like the event.

    Individual: confirmed while seats are left, then the waiting list (if on) at the next
    position, else ``full``. Staff group: pending, holding no seats, until the manager confirms
    by link and the organiser's moderators approve. A second sign-up with the same email
    creates nothing: the person gets an email, and the answer is what a new sign-up would get.
    With ``idempotency_key``, a repeat of the same request gets the first answer.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    manager_email = manager_email.strip().lower()
    fingerprint = ""
    try:
        event = _lock_event(event_id)
    except EventPage.DoesNotExist:
        raise EventsError("event_not_found") from None
    if not event.live:
        raise EventsError("event_not_found")
    if idempotency_key:
        fingerprint = _fingerprint(
            {
                "name": name,
                "email": email,
                "workplace": workplace,
                "municipality": municipality.pk,
                "job_role": job_role.pk if job_role else None,
                "participants": participants,
                "unit": unit,
                "manager_email": manager_email,
                # Only when given, so keys of requests made before questions keep matching.
                **({"answers": answers} if answers else {}),
            }
        )
        earlier = IdempotentRequest.objects.filter(event=event, key=idempotency_key).first()
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                raise EventsError("idempotency_key_reused")
            return SignUp(
                registration=None,
                status=earlier.body["status"],
                waiting_position=earlier.body.get("waiting_position"),
                created=False,
                replayed=True,
            )
    if not consent:
        raise EventsError("consent_required")
    _check_open(event, now)
    checked = answers_check(questions=list(event.questions.all()), answers=answers)

    staff_group = event.participation == Participation.STAFF_GROUP
    position = None
    # What the decision needs, in one round trip while the event is locked (the lock is held
    # until commit, so every query here is paid once per sign-up in the queue).
    seen = Registration.objects.filter(event=event).aggregate(
        taken=Coalesce(Sum("participants", filter=Q(status__in=SEAT_STATUSES)), 0),
        top=Max("waiting_position", filter=Q(status=RegistrationStatus.WAITING_LIST)),
        existing=Max("pk", filter=Q(email=email, status__in=ACTIVE_STATUSES)),
    )
    if staff_group:
        if not unit.strip():
            raise EventsError("unit_required")
        if not manager_email:
            raise EventsError("manager_required")
        if not manager_name.strip():
            raise EventsError("manager_name_required")
        if manager_email == email:
            raise EventsError("manager_is_contact")
        if event.capacity is not None and participants > event.capacity:
            raise EventsError("too_many_participants")
        if source not in (RegistrationSource.ADMIN, RegistrationSource.IMPORT):
            application_limits_take(
                applicant_email=email,
                manager_email=manager_email,
                new=seen["existing"] is None,
                now=now,
            )
        status = RegistrationStatus.PENDING
    else:
        if participants != 1:
            raise EventsError("individual_only_one")
        if event.capacity is None or seen["taken"] + participants <= event.capacity:
            status = RegistrationStatus.CONFIRMED
        elif event.waiting_list_enabled:
            status = RegistrationStatus.WAITING_LIST
            position = (seen["top"] or 0) + 1
        else:
            raise EventsError("full")
    option_places_check(event=event, answers=checked, participants=participants)

    if seen["existing"] is not None:
        existing = Registration.objects.get(pk=seen["existing"])
        existing.event = event
        registration_notify(registration=existing, kind=EmailKind.ALREADY_REGISTERED)
        outcome = SignUp(
            registration=existing, status=status, waiting_position=position, created=False
        )
    else:
        registration = Registration.objects.create(
            event=event,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            workplace=workplace.strip(),
            municipality=municipality,
            job_role=job_role,
            accessibility_needs=accessibility_needs.strip(),
            consent_at=now,
            privacy_version=privacy_version,
            status=status,
            waiting_position=position,
            participants=participants,
            unit=unit.strip(),
            manager_name=manager_name.strip(),
            manager_email=manager_email,
            source=source,
            client=client[:200],
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        )
        _answers_save(registration, checked)
        registration.event = event
        if staff_group:
            registration_notify(registration=registration, kind=EmailKind.PENDING)
            registration_notify(registration=registration, kind=EmailKind.MANAGER_REQUEST)
        elif status == RegistrationStatus.CONFIRMED:
            registration_notify(registration=registration, kind=EmailKind.CONFIRMATION)
        else:
            registration_notify(registration=registration, kind=EmailKind.WAITING_LIST)
        outcome = SignUp(
            registration=registration, status=status, waiting_position=position, created=True
        )
    if idempotency_key:
        IdempotentRequest.objects.create(
            event=event,
            key=idempotency_key,
            fingerprint=fingerprint,
            status_code=201,
            body={"status": str(status), "waiting_position": position},
        )
    return outcome


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    reason: str = CancelReason.REGISTRANT,
    notify: bool = True,
    now: datetime | None = None,
) -> Registration:
    """Cancel a registration or application; a freed seat goes to the waiting list's first.

    The registrant cannot cancel once the event has started (the organiser can). Cancelling an
    already cancelled registration changes nothing.
    """
    now = now or timezone.now()
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
        registration_notify(registration=registration, kind=EmailKind.CANCELLED)
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
    """The organiser records whether a confirmed registrant came (None: not recorded).

    Only the registration's row is locked: attendance moves no seats. ``by`` is the admin user
    who recorded it, for the caller's messages and hooks; the row keeps no author.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventsError("attendance_not_confirmed")
    if registration.attended is not attended:
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
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
