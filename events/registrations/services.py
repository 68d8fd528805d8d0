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
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.errors import EventsError
from events.mail.services import (
    emails_render,
    join_link_if_due,
    members_notify,
    registration_email_unwritten,
    registration_notify,
)
from events.models import (
    ACTIVE_STATUSES,
    PRIVACY_TEXT_VERSION,
    SEAT_STATUSES,
    CancelReason,
    EmailKind,
    EventPage,
    IdempotentRequest,
    OutboundEmail,
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
from events.registrations.roster import (
    member_places_check,
    members_check,
    members_write,
    questions_split,
)
from events.registrations.seats import (
    _check_open,
    _close_gaps,
    _confirm,
    _has_room,
    _lock_event,
    _lock_registration,
    _promote_in_order,
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
    members: list[Any] | None = None,
    source: str = RegistrationSource.API,
    client: str = "",
    idempotency_key: str = "",
    now: datetime | None = None,
) -> SignUp:
    """Sign one person up (individual events) or file a staff group's application.

    ``answers`` answer the event's questions by key (``events.registrations.answers``); an
    option with places of its own must have room for the participants, like the event.
    ``members`` name a staff group's participants (``events.registrations.roster``), with
    their answers to the questions asked per participant.

    Individual: confirmed while seats are left, then the waiting list (if on) at the next
    position, else ``full``. Staff group: pending, holding no seats, until the manager confirms
    by link and the organiser's moderators approve. A second sign-up with the same email
    creates nothing: the person gets an email, and the answer is what a new sign-up would get.
    With ``idempotency_key``, a repeat of the same request gets the first answer.

    Everything that needs no seat count is checked before the event's row is locked, and the
    emails are rendered after the commit (``events.mail.services.emails_render``): the lock is
    held for the count and the inserts only, since every sign-up to the event waits for it.
    """
    now = now or timezone.now()
    request = _SignUpRequest(
        event_id=event_id,
        email=email.strip().lower(),
        manager_email=manager_email.strip().lower(),
        participants=participants,
        unit=unit,
        manager_name=manager_name,
        source=source,
        idempotency_key=idempotency_key,
        now=now,
    )
    event = EventPage.objects.filter(pk=event_id).first()
    if event is None or not event.live:
        raise EventsError("event_not_found")
    if idempotency_key:
        request.fingerprint = _fingerprint(
            {
                "name": name,
                "email": request.email,
                "workplace": workplace,
                "municipality": municipality.pk,
                "job_role": job_role.pk if job_role else None,
                "participants": participants,
                "unit": unit,
                "manager_email": request.manager_email,
                # Only when given, so keys of requests made before questions keep matching.
                **({"answers": answers} if answers else {}),
                **({"members": members} if members else {}),
            }
        )
        replay = _replay(event, request)
        if replay is not None:
            return replay
    if not consent:
        raise EventsError("consent_required")
    _check_open(event, now)
    _check_group(event, request)
    questions = list(event.questions.all())
    # With named members, the questions asked per participant are theirs to answer; without,
    # the group answers them once (as clients made before members do).
    once, _each = questions_split(event, questions)
    request.answers = answers_check(questions=once if members else questions, answers=answers)
    request.members = members_check(
        event=event, questions=questions, members=members, limit=participants
    )
    new = Registration(
        name=name.strip(),
        email=request.email,
        phone=phone.strip(),
        workplace=workplace.strip(),
        municipality=municipality,
        job_role=job_role,
        accessibility_needs=accessibility_needs.strip(),
        consent_at=now,
        privacy_version=privacy_version,
        participants=participants,
        unit=unit.strip(),
        manager_name=manager_name.strip(),
        manager_email=request.manager_email,
        source=source,
        client=client[:200],
    )
    with transaction.atomic():
        outcome, emails = _seat_take(request, new)
    if emails:
        emails_render(dedupe_keys=emails, event=event)
    return outcome


@dataclass
class _SignUpRequest:
    """What a sign-up asks, checked before the lock; ``answers`` once checked."""

    event_id: int
    email: str
    manager_email: str
    participants: int
    unit: str
    manager_name: str
    source: str
    idempotency_key: str
    now: datetime
    fingerprint: str = ""
    answers: list[Answer] | None = None
    members: list[Any] = field(default_factory=list)  # checked (``roster.members_check``)


def _replay(event: EventPage, request: _SignUpRequest) -> SignUp | None:
    """The first answer to an earlier request with the same ``Idempotency-Key``."""
    earlier = IdempotentRequest.objects.filter(event=event, key=request.idempotency_key).first()
    if earlier is None:
        return None
    if earlier.fingerprint != request.fingerprint:
        raise EventsError("idempotency_key_reused")
    return SignUp(
        registration=None,
        status=earlier.body["status"],
        waiting_position=earlier.body.get("waiting_position"),
        created=False,
        replayed=True,
    )


def _check_group(event: EventPage, request: _SignUpRequest) -> None:
    if event.participation != Participation.STAFF_GROUP:
        if request.participants != 1:
            raise EventsError("individual_only_one")
        return
    if not request.unit.strip():
        raise EventsError("unit_required")
    if not request.manager_email:
        raise EventsError("manager_required")
    if not request.manager_name.strip():
        raise EventsError("manager_name_required")
    if request.manager_email == request.email:
        raise EventsError("manager_is_contact")


def _seat_take(request: _SignUpRequest, new: Registration) -> tuple[SignUp, list[str]]:
    """The part of a sign-up that holds the event's lock: the count, the decision, the rows.
    Returns the outcome and the dedupe keys of the emails saved unrendered."""
    now = request.now
    event = _lock_event(request.event_id)
    if not event.live:
        raise EventsError("event_not_found")
    if request.idempotency_key:  # a twin request may have committed while this one waited
        replay = _replay(event, request)
        if replay is not None:
            return replay, []
    _check_open(event, now)  # the event may have changed while this one waited
    staff_group = event.participation == Participation.STAFF_GROUP
    position = None
    # What the decision needs, in one round trip.
    seen = Registration.objects.filter(event=event).aggregate(
        taken=Coalesce(Sum("participants", filter=Q(status__in=SEAT_STATUSES)), 0),
        top=Max("waiting_position", filter=Q(status=RegistrationStatus.WAITING_LIST)),
        existing=Max("pk", filter=Q(email=request.email, status__in=ACTIVE_STATUSES)),
    )
    if staff_group:
        if event.capacity is not None and request.participants > event.capacity:
            raise EventsError("too_many_participants")
        if request.source not in (RegistrationSource.ADMIN, RegistrationSource.IMPORT):
            application_limits_take(
                applicant_email=request.email,
                manager_email=request.manager_email,
                new=seen["existing"] is None,
                now=now,
            )
        status = RegistrationStatus.PENDING
    else:
        if event.capacity is None or seen["taken"] + request.participants <= event.capacity:
            status = RegistrationStatus.CONFIRMED
        elif event.waiting_list_enabled:
            status = RegistrationStatus.WAITING_LIST
            position = (seen["top"] or 0) + 1
        else:
            raise EventsError("full")
    answers = request.answers or []
    option_places_check(event=event, answers=answers, participants=request.participants)
    member_places_check(event=event, members=request.members)

    emails: list[OutboundEmail] = []
    if seen["existing"] is not None:
        existing = Registration.objects.get(pk=seen["existing"])
        existing.event = event
        emails.append(
            registration_email_unwritten(registration=existing, kind=EmailKind.ALREADY_REGISTERED)
        )
        outcome = SignUp(
            registration=existing, status=status, waiting_position=position, created=False
        )
    else:
        registration = new
        registration.event = event
        registration.status = status
        registration.waiting_position = position
        registration.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
        registration.save(force_insert=True)
        _answers_save(registration, answers)
        members_write(registration, request.members)
        if staff_group:
            kinds = [EmailKind.PENDING, EmailKind.MANAGER_REQUEST]
        elif status == RegistrationStatus.CONFIRMED:
            kinds = [EmailKind.CONFIRMATION]
        else:
            kinds = [EmailKind.WAITING_LIST]
        emails += [registration_email_unwritten(registration=registration, kind=k) for k in kinds]
        if status == RegistrationStatus.CONFIRMED:
            join_link_if_due(registration=registration, kind=EmailKind.CONFIRMATION)
        outcome = SignUp(
            registration=registration, status=status, waiting_position=position, created=True
        )
    # One INSERT; a daily "already registered" email that went out today is skipped.
    OutboundEmail.objects.bulk_create(emails, ignore_conflicts=True)
    if request.idempotency_key:
        IdempotentRequest.objects.create(
            event=event,
            key=request.idempotency_key,
            fingerprint=request.fingerprint,
            status_code=201,
            body={"status": str(status), "waiting_position": position},
        )
    return outcome, [email.dedupe_key for email in emails]


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
