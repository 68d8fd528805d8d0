"""Writes a registrant makes from their own link: changing their details and answers, and
sending a colleague in their place. Both until registration closes, both under the event's
lock (``seats._lock_registration``), both all-or-nothing.

A colleague takes the seat as it is: the original registration is cancelled "Overdraget til en
kollega" without moving the waiting list, and the colleague's registration gets the same status
(and waiting position). Only ordinary answers go along; the colleague gives their own needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.errors import EventsError
from events.mail.services import registration_details_changed_notify, registration_notify
from events.models import (
    ACTIVE_STATUSES,
    PRIVACY_TEXT_VERSION,
    CancelReason,
    DataClass,
    EmailKind,
    EventPage,
    EventQuestion,
    Participation,
    Registration,
    RegistrationAnswer,
    RegistrationSource,
    RegistrationStatus,
)
from events.models.questions import CHOICE_KINDS, QuestionKind
from events.registrations.answers import (
    answer_rows,
    answers_check,
    option_places_check,
    question_shown,
)
from events.registrations.roster import questions_split
from events.registrations.seats import _lock_registration, _registration_closes
from events.signals import event_places_changed
from home.models import Audience, Municipality
from home.row_inserts import rows_insert

# The registrant's own fields a change may touch, with the labels the receipt names them by.
DETAIL_LABELS = {
    "name": "navn",
    "phone": "telefon",
    "workplace": "arbejdsplads",
    "municipality": "kommune",
    "job_role": "stillingsgruppe",
    "accessibility_needs": "hensyn og tilgængelighed",
}


# Why each is told, without the other's name: each address only gets what its owner typed.
TOLD_COLLEAGUE = (
    "En kollega har givet sin plads videre til dig. Ret gerne dine oplysninger og svar, fx om "
    "kost eller hensyn, via linket nedenfor."
)
TOLD_REGISTRANT = "Du har givet din plads videre til en kollega, som har fået sin egen bekræftelse."


def self_service_open(event: EventPage, now: datetime) -> bool:
    """Whether a registrant may still change their registration or send a colleague."""
    closes = _registration_closes(event)
    return closes is None or now < closes


def _check_changeable(event: EventPage, registration: Registration, now: datetime) -> None:
    if registration.anonymised_at is not None:
        raise EventsError("anonymised")
    if registration.status == RegistrationStatus.CANCELLED:
        raise EventsError("change_cancelled")
    if not self_service_open(event, now):
        raise EventsError("change_closed")


# What goes along to a colleague: the seat's choices (options, yes/no), never what the
# registrant wrote in their own words.
COPIED_KINDS = CHOICE_KINDS | {QuestionKind.YES_NO}


def questions_of(event: EventPage, registration: Registration) -> list[EventQuestion]:
    """The questions a registration answers itself: all of the event's, but for a staff group
    that has named members only those asked once (the members answer the rest)."""
    questions = list(event.questions.all())
    if registration.members.exists():
        questions, _each = questions_split(event, questions)
    return questions


def answers_shown(questions: list[EventQuestion], answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without those to questions that end up hidden (their condition unmet by
    the answers given): a form without JavaScript shows every question, so a person may have
    filled in one that no longer applies. What is left is checked as a sign-up's answers are."""
    given: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for question in questions:
        if not question_shown(question, given):
            continue
        if question.key in answers:
            kept[question.key] = given[question.key] = answers[question.key]
    return kept


@transaction.atomic
def registration_details_change(
    *,
    registration: Registration,
    name: str,
    phone: str,
    workplace: str,
    municipality: Municipality,
    job_role: Audience | None,
    accessibility_needs: str,
    answers: Mapping[str, Any],
    now: datetime | None = None,
) -> list[str]:
    """Change a registrant's own details and their answers to the event's questions; returns
    the names of what changed (empty: nothing did, and no email goes out).

    The answers replace the registration's answers to the event's questions (answers to
    questions since deleted stay as they were given). An option with places of its own is
    checked only when newly chosen: the registrant's own place in it is theirs already.
    """
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    _check_changeable(event, registration, now)
    if not name.strip():
        raise EventsError("name_required")
    if not workplace.strip():
        raise EventsError("workplace_required")
    questions = questions_of(event, registration)
    checked = answers_check(questions=questions, answers=answers_shown(questions, answers))

    keys = {question.key for question in questions}
    current = {a.key: a for a in registration.own_answers() if a.key in keys}
    newly_chosen = [
        answer
        for answer in checked
        if answer.question.key not in current or current[answer.question.key].value != answer.value
    ]
    option_places_check(event=event, answers=newly_chosen, participants=registration.participants)

    changed: list[str] = []
    details = {
        "name": name.strip(),
        "phone": phone.strip(),
        "workplace": workplace.strip(),
        "municipality": municipality,
        "job_role": job_role,
        "accessibility_needs": accessibility_needs.strip(),
    }
    for field, value in details.items():
        if getattr(registration, field) != value:
            setattr(registration, field, value)
            changed.append(DETAIL_LABELS[field])
    given = {answer.question.key: answer.value for answer in checked}
    answers_changed = False
    for question in questions:
        was = current.get(question.key)
        if (was.value if was else None) != given.get(question.key):
            changed.append(question.name())
            answers_changed = True
    if not changed:
        return []
    registration.save(update_fields=[*details, "updated_at"])
    RegistrationAnswer.objects.filter(
        registration=registration, key__in=keys, member__isnull=True
    ).delete()
    rows_insert(answer_rows(registration_id=registration.pk, answers=checked))
    if answers_changed:
        # a choice with places of its own may have been taken or given up: the API follows
        event_places_changed.send(sender=Registration, event_id=event.pk)
    registration.event = event
    registration_details_changed_notify(registration=registration, changed=changed, now=now)
    return changed


def _transfer_of(registration: Registration, email: str) -> Registration | None:
    """The colleague's registration an earlier identical transfer made (a repeated POST)."""
    if registration.cancel_reason != CancelReason.TRANSFERRED:
        return None
    return registration.transfers.filter(email=email).first()


@transaction.atomic
def registration_transfer(
    *,
    registration: Registration,
    name: str,
    email: str,
    workplace: str,
    municipality: Municipality,
    job_role: Audience | None,
    consent: bool,
    now: datetime | None = None,
) -> Registration:
    """Send a colleague in the registrant's place; returns the colleague's registration.

    The seat (or the place on the waiting list) moves: nobody on the waiting list moves up. The
    colleague gets the confirmation or waiting-list email with their own link; the registrant
    the cancellation, whose calendar file removes the event from their calendar. Repeated with
    the same colleague, it returns the colleague's registration and writes nothing.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    event, original = _lock_registration(registration)
    if original.anonymised_at is None and original.status == RegistrationStatus.CANCELLED:
        earlier = _transfer_of(original, email)
        if earlier is not None:
            return earlier
    _check_changeable(event, original, now)
    if event.participation == Participation.STAFF_GROUP or original.participants != 1:
        raise EventsError("transfer_staff_group")
    if original.status == RegistrationStatus.OFFERED:
        raise EventsError("transfer_offered")
    if not consent:
        raise EventsError("transfer_consent_required")
    if not name.strip():
        raise EventsError("name_required")
    if not workplace.strip():
        raise EventsError("workplace_required")
    if email == original.email:
        raise EventsError("transfer_same_email")
    if Registration.objects.filter(event=event, email=email, status__in=ACTIVE_STATUSES).exists():
        raise EventsError("transfer_already_registered")

    status, position = original.status, original.waiting_position
    original.status = RegistrationStatus.CANCELLED
    original.cancel_reason = CancelReason.TRANSFERRED
    original.cancelled_at = now
    original.waiting_position = None
    original.save(
        update_fields=["status", "cancel_reason", "cancelled_at", "waiting_position", "updated_at"]
    )
    colleague = Registration.objects.create(
        event=event,
        name=name.strip(),
        email=email,
        workplace=workplace.strip(),
        municipality=municipality,
        job_role=job_role,
        consent_at=now,
        privacy_version=PRIVACY_TEXT_VERSION,
        status=status,
        waiting_position=position,
        participants=1,
        source=RegistrationSource.LINK,
        client=original.client,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        transferred_from=original,
    )
    # The seat's choices go along (a workshop's place moves with it); what the registrant
    # wrote, and their sensitive and statistical answers, describe them, not the colleague
    # (and the colleague's confirmation repeats their answers).
    RegistrationAnswer.objects.bulk_create(
        RegistrationAnswer(
            registration=colleague,
            key=answer.key,
            label=answer.label,
            kind=answer.kind,
            data_class=answer.data_class,
            value=answer.value,
            text=answer.text,
            sort_order=answer.sort_order,
        )
        for answer in original.answers.filter(
            data_class=DataClass.ORDINARY, kind__in=COPIED_KINDS, member__isnull=True
        )
    )
    colleague.event = event
    registration_notify(
        registration=colleague,
        kind=(
            EmailKind.CONFIRMATION
            if status == RegistrationStatus.CONFIRMED
            else EmailKind.WAITING_LIST
        ),
        note=TOLD_COLLEAGUE,
    )
    registration_notify(registration=original, kind=EmailKind.CANCELLED, note=TOLD_REGISTRANT)
    return colleague
