"""Sign-up: one person's registration, or a staff group's application, from the checks to the
emails. ``registration_create`` holds the event's lock (``events.registrations.seats``) for the
count and the inserts only: everything else is checked before it, and the emails are rendered
after the commit, since every sign-up to the event waits for the lock.

The rest of a registration's life (cancellation, the waiting list, attendance) is
``events.registrations.services``; staff groups after sign-up ``.applications``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.signals import post_save
from django.utils import timezone

from events.errors import EventsError
from events.mail.services import (
    DELIVER_TASK,
    email_render,
    emails_render,
    join_link_notify,
    join_link_owed_now,
    registration_email_unwritten,
)
from events.models import (
    PRIVACY_TEXT_VERSION,
    EmailKind,
    EventPage,
    EventQuestion,
    IdempotentRequest,
    OutboundEmail,
    Participation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from events.registrations.answers import (
    Answer,
    answer_rows,
    answers_check,
    limited_option_keys,
    option_places_check,
)
from events.registrations.limits import application_limits_take
from events.registrations.roster import (
    member_places_check,
    members_check,
    members_write,
    questions_split,
)
from events.registrations.seat_sql import idempotent_answer, seat_reads_locked
from events.registrations.seats import _check_open
from home.database import commit_goes_with, statements_refused
from home.models import Audience, Municipality
from home.outbox import enqueue_on_commit
from home.row_inserts import rows_insert, rows_insert_together


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


def _registration_created(registration: Registration, *, zoom_meetings: bool) -> None:
    """The ``post_save`` that ``registration.save(force_insert=True)`` would have sent (webinars'
    registrants, the API's seat versions): the rows are written by ``home.row_inserts``,
    whose INSERTs' text is made once per process, and which sends no signals. With it, whether
    the event has a Zoom meeting, as read under the lock (``seat_sql.seat_reads_locked``), so
    that the webinars' receiver need not ask again."""
    post_save.send(
        sender=Registration,
        instance=registration,
        created=True,
        update_fields=None,
        raw=False,
        using=registration._state.db,
        zoom_meetings=zoom_meetings,
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
    event: EventPage | None = None,
    questions: Sequence[EventQuestion] | None = None,
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
    With ``idempotency_key``, a repeat of the same request gets the first answer. ``event``:
    the event, when the caller has loaded it (with its sessions prefetched, for the emails);
    ``questions``: its questions in order, when the caller has read them with it
    (``events.selectors.sign_up_form``).

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
    if event is None or event.pk != event_id:  # the caller may have loaded it already
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
    try:
        if not consent:
            raise EventsError("consent_required")
        _check_open(event, now)
        _check_group(event, request)
        questions = list(event.questions.all() if questions is None else questions)
        # With named members, the questions asked per participant are theirs to answer;
        # without, the group answers them once (as clients made before members do).
        once, _each = questions_split(event, questions)
        request.answers = answers_check(questions=once if members else questions, answers=answers)
        request.members = members_check(
            event=event, questions=questions, members=members, limit=participants
        )
    except EventsError:
        # A repeat of a request that was answered gets that answer, whatever has changed since
        # (registration closed, a question added). A new request's key is looked up with the
        # locked reads (``_seat_take``), in their round trip, not in one of its own.
        replay = _replay_if_answered(event.pk, request)
        if replay is None:
            raise
        return replay
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
    try:
        with transaction.atomic():
            outcome, saved, repeats = _seat_take(request, event, new)
    except _Replayed as replayed:  # the request's key was found under the lock
        return _replay(request, replayed.earlier)
    except IntegrityError:
        # A twin request with the same key committed after the locked reads (SQLite).
        replay = _replay_if_answered(event.pk, request)
        if replay is None:
            raise
        return replay
    if not settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS:
        for row in saved:
            email_render(row, event=event)
        if repeats:
            emails_render(dedupe_keys=repeats, event=event)
        return outcome
    # The workers write the emails: ``email_deliver`` renders one saved unrendered before
    # sending it. Their templates and calendar files were a fifth of a sign-up's CPU in the web
    # process. A repeat's email (a twin request's, or a daily "already registered", whose row
    # has no id here) is handed over by its key; handing a row over twice is harmless
    # (``email_deliver`` claims it once).
    ids = [row.pk for row in saved]
    if repeats:
        ids += OutboundEmail.objects.filter(
            dedupe_key__in=repeats, compose__isnull=False
        ).values_list("pk", flat=True)
    for pk in ids:
        enqueue_on_commit(DELIVER_TASK, pk)
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


class _Replayed(Exception):
    """Raised under the lock when the request's ``Idempotency-Key`` was answered before: the
    transaction rolls back, and the first answer is given."""

    def __init__(self, earlier: tuple[str, dict]):
        self.earlier = earlier


def _replay_if_answered(event_id: int, request: _SignUpRequest) -> SignUp | None:
    """The first answer, when a request with this ``Idempotency-Key`` was answered before
    (looked up on its own, away from the lock); None for a new one."""
    if not request.idempotency_key:
        return None
    earlier = idempotent_answer(event_id, request.idempotency_key)
    return None if earlier is None else _replay(request, earlier)


def _replay(request: _SignUpRequest, earlier: tuple[str, dict]) -> SignUp:
    """The first answer to an earlier request with the same ``Idempotency-Key``."""
    fingerprint, body = earlier
    if fingerprint != request.fingerprint:
        raise EventsError("idempotency_key_reused")
    return SignUp(
        registration=None,
        status=body["status"],
        waiting_position=body.get("waiting_position"),
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


def _seat_take(
    request: _SignUpRequest, event: EventPage, new: Registration
) -> tuple[SignUp, list[OutboundEmail], list[str]]:
    """The part of a sign-up that holds the event's lock: the count, the decision, the rows.
    Returns the outcome, the emails saved unrendered, and the dedupe keys of those saved
    unless the database skipped them as repeats (a daily "already registered"). A request
    whose ``Idempotency-Key`` the locked reads find answered raises ``_Replayed``; a twin that
    committed after them (SQLite, which locks no row) makes the last INSERT fail (its unique
    constraint). The caller replays either way.

    ``event`` as read before the lock; the fields the decision needs are read again with it,
    without loading the whole page a second time."""
    now = request.now
    answers = request.answers or []
    reads = seat_reads_locked(
        event.pk, request.email, limited_option_keys(answers), request.idempotency_key
    )
    if reads is not None and reads.earlier is not None:
        raise _Replayed(reads.earlier)  # its first answer, even if the event went since
    if reads is None or not reads.fields["live"]:
        raise EventsError("event_not_found")
    for name, value in reads.fields.items():
        setattr(event, name, value)
    _check_open(event, now)  # the event may have changed while this one waited
    staff_group = event.participation == Participation.STAFF_GROUP
    position = None
    seen = reads.seen
    if staff_group:
        if event.capacity is not None and request.participants > event.capacity:
            raise EventsError("too_many_participants")
        if request.source not in (RegistrationSource.ADMIN, RegistrationSource.IMPORT):
            application_limits_take(
                applicant_email=request.email,
                manager_email=request.manager_email,
                new=seen.existing is None,
                now=now,
            )
        status = RegistrationStatus.PENDING
    else:
        if event.capacity is None or seen.taken + request.participants <= event.capacity:
            status = RegistrationStatus.CONFIRMED
        elif event.waiting_list_enabled:
            status = RegistrationStatus.WAITING_LIST
            position = (seen.top or 0) + 1
        else:
            raise EventsError("full")
    option_places_check(
        event=event, answers=answers, participants=request.participants, held=reads.held
    )
    member_places_check(event=event, members=request.members)

    records = []
    if request.idempotency_key:
        records.append(
            IdempotentRequest(
                event=event,
                key=request.idempotency_key,
                fingerprint=request.fingerprint,
                status_code=201,
                body={"status": str(status), "waiting_position": position},
            )
        )
    if seen.existing is not None:
        existing = Registration.objects.get(pk=seen.existing)
        existing.event = event
        already = registration_email_unwritten(
            registration=existing, kind=EmailKind.ALREADY_REGISTERED
        )
        # A daily "already registered" email that went out today is skipped.
        OutboundEmail.objects.bulk_create([already], ignore_conflicts=True)
        rows_insert(records)
        outcome = SignUp(
            registration=existing, status=status, waiting_position=position, created=False
        )
        return outcome, [], [already.dedupe_key]
    registration = new
    registration.event = event
    registration.status = status
    registration.waiting_position = position
    registration.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
    registration.pk = reads.registration_key  # drawn under the lock, in sign-up order
    if reads.registration_key is None:  # none drawn (SQLite): the registration comes first
        rows_insert([registration])
    if staff_group:
        kinds = [EmailKind.PENDING, EmailKind.MANAGER_REQUEST]
    elif status == RegistrationStatus.CONFIRMED:
        kinds = [EmailKind.CONFIRMATION]
    else:
        kinds = [EmailKind.WAITING_LIST]
    emails = [registration_email_unwritten(registration=registration, kind=k) for k in kinds]
    # Its rows in one round trip on PostgreSQL: the registration (its key drawn with the
    # locked reads), its answers, its emails (new causes, no conflict) and the request's record.
    rows: list[Sequence[Model]] = [
        [registration] if registration._state.adding else [],
        answer_rows(registration_id=registration.pk, answers=answers),
        emails,
        records,
    ]
    join_link = status == RegistrationStatus.CONFIRMED and join_link_owed_now(
        registration=registration, kind=EmailKind.CONFIRMATION
    )
    # Only a confirmed registration's people follow the event's Zoom meetings (the receiver
    # returns at once for the others).
    zoom = reads.zoom_meetings and status == RegistrationStatus.CONFIRMED
    if not (zoom or request.members or join_link) and commit_goes_with():
        # Nothing else to write (the usual sign-up): the COMMIT goes with the rows, and the
        # lock is released one round trip sooner. The signal's receivers only register what
        # runs after the commit (``home.database.statements_refused`` holds them to it).
        rows_insert_together(rows, keys_drawn=True, commit=True)
        with statements_refused():
            _registration_created(registration, zoom_meetings=False)
    else:
        rows_insert_together(rows, keys_drawn=True)
        _registration_created(registration, zoom_meetings=reads.zoom_meetings)
        members_write(registration, request.members)
        if join_link:
            join_link_notify(registration=registration)
    outcome = SignUp(
        registration=registration, status=status, waiting_position=position, created=True
    )
    return outcome, emails, []
