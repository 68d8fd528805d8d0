"""Evaluations: inviting the participants once the last session is over, one reminder to those
who have not answered, and storing an answer anonymously.

Every write goes with its email through the outbox in one transaction, under the event's row
lock, so a schedule that runs twice (or two worker clusters at once) invites each person once
and reminds them once: an invitation row per person (the constraints), its emails' dedupe keys
name the invitation. The link's token exists only in the email; the database keeps its hash.

An answer is written in two steps, so that nothing joins it to its person. The submit marks
the invitation answered and keeps the answers as a pending ``EvaluationSubmission`` (one
transaction, under the invitation's row lock: exactly once). The release
(``evaluations_release``, right after each submit and on the schedule) turns an event's pending
submissions into responses in batches of at least ``EVALUATION_RELEASE_BATCH``, shuffled, with
random ids, in a transaction of its own: a response's transaction id, id or day tells no more
than "one of this batch".
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.courses.certificates import held_sessions
from events.courses.tokens import Person
from events.evaluations.selectors import (
    attendance_recorded,
    evaluation_invitation_by_token,
    evaluation_invitees,
    evaluation_questions,
)
from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import (
    EmailKind,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSubmission,
    EventPage,
    EventStatus,
    Registration,
    SessionAttendance,
)
from events.models.evaluations import evaluation_token_hash, new_evaluation_token

logger = logging.getLogger(__name__)

# Invitations go out for events that ended within this window; older ones are left alone.
INVITE_WINDOW = timedelta(days=30)
# Where attendance is being recorded, but not yet for the last session, the invitations wait
# for it this long after the end (then those recorded present are invited).
ATTENDANCE_GRACE = timedelta(days=2)
# A reminder that could not go out within this long after it fell due is not sent at all.
REMINDER_LATEST = timedelta(days=7)
# Pending submissions are released into responses this many at least, per event (and this
# many more are kept back for the next batch) ...
EVALUATION_RELEASE_BATCH = 3
# ... or all of them once the evaluation has closed: everyone invited has answered, or this
# long after the last session (invitations and reminders are over by then).
EVALUATION_CLOSES_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class GivenAnswer:
    """One answer as the form cleaned it, with the question as it was asked."""

    key: str
    label: str
    kind: str
    value: Any
    text: str


def evaluation_answer_url(token: str) -> str:
    """The person's one-time link (absolute: it goes out by email)."""
    return settings.BASE_URL + reverse("evaluations:answer", args=[token])


def _address(person: Person) -> str:
    return person.member.email if person.member else person.registration.email


def evaluation_ready(event: EventPage, now: datetime) -> bool:
    """The event evaluates, its last held session is over, and attendance (if it is being
    recorded) is in for that session or has had its grace period."""
    if not event.evaluation_enabled or event.status == EventStatus.CANCELLED:
        return False
    held = held_sessions(event)
    ends = held[-1].ends_at() if held else None
    if ends is None or ends > now:
        return False
    if attendance_recorded(event) and ends + ATTENDANCE_GRACE > now:
        return SessionAttendance.objects.filter(session=held[-1]).exists()
    return True


def _invite(event: EventPage, person: Person, now: datetime) -> EvaluationInvitation:
    token = new_evaluation_token()
    invitation = EvaluationInvitation.objects.create(
        event=event,
        registration=person.registration,
        member=person.member,
        person_key=person.key,
        token_hash=evaluation_token_hash(token),
        sent_at=now,
    )
    email_write(
        kind=EmailKind.EVALUATION_INVITATION,
        to=_address(person),
        dedupe_key=f"evaluation-invitation:{invitation.pk}",
        registration_id=person.registration.pk,
        context=EmailContext(
            kind=EmailKind.EVALUATION_INVITATION,
            event=event,
            name=person.name,
            links=[("Svar på evalueringen", evaluation_answer_url(token))],
        ),
    )
    return invitation


@transaction.atomic
def evaluations_invite(*, event: EventPage, now: datetime | None = None) -> int:
    """Invite everyone of a finished event not yet invited; returns how many."""
    now = now or timezone.now()
    event = EventPage.objects.select_for_update().get(pk=event.pk)
    if not evaluation_ready(event, now) or not evaluation_questions(event):
        return 0
    invited = set(
        EvaluationInvitation.objects.filter(event=event).values_list("person_key", flat=True)
    )
    count = 0
    for person in evaluation_invitees(event):
        if person.key in invited or not _address(person):
            continue
        _invite(event, person, now)
        count += 1
    return count


@transaction.atomic
def evaluations_remind(*, event: EventPage, now: datetime | None = None) -> int:
    """One reminder, with a link of its own, to each invited person of the event who has not
    answered once the event's number of days has passed; returns how many."""
    now = now or timezone.now()
    event = EventPage.objects.select_for_update().get(pk=event.pk)
    days = event.evaluation_reminder_days
    if not days or event.status == EventStatus.CANCELLED:
        return 0
    due_at = now - timedelta(days=days)
    invitations = (
        EvaluationInvitation.objects.select_for_update(of=("self",))
        .select_related("registration", "member")
        .filter(
            event=event,
            answered=False,
            reminded_at__isnull=True,
            sent_at__lte=due_at,
            sent_at__gt=due_at - REMINDER_LATEST,
        )
        .order_by("pk")
    )
    count = 0
    for invitation in invitations:
        registration, member = invitation.registration, invitation.member
        token = new_evaluation_token()
        invitation.reminder_token_hash = evaluation_token_hash(token)
        invitation.reminded_at = now
        invitation.save(update_fields=["reminder_token_hash", "reminded_at"])
        # Retention took the person: nobody to remind, and never again (reminded_at is set).
        if registration is None or (member or registration).anonymised_at is not None:
            continue
        # A staff group's member who was deleted: the registration left is the group's contact
        # person's, who was not the one invited.
        if member is None and invitation.person_key.startswith("m"):
            continue
        person = Person(registration, member)
        if not _address(person):
            continue
        email_write(
            kind=EmailKind.EVALUATION_REMINDER,
            to=_address(person),
            dedupe_key=f"evaluation-reminder:{invitation.pk}",
            registration_id=registration.pk,
            context=EmailContext(
                kind=EmailKind.EVALUATION_REMINDER,
                event=event,
                name=person.name,
                links=[("Svar på evalueringen", evaluation_answer_url(token))],
            ),
        )
        count += 1
    return count


def evaluations_send_due(*, now: datetime | None = None) -> int:
    """The schedule's work: invitations for events that ended within the window, then the
    reminders that have fallen due. Returns the emails written."""
    now = now or timezone.now()
    ended = (
        EventPage.objects.live()
        .filter(evaluation_enabled=True, last_end__lte=now, last_end__gt=now - INVITE_WINDOW)
        .exclude(status=EventStatus.CANCELLED)
    )
    count = sum(evaluations_invite(event=event, now=now) for event in ended)
    waiting = EvaluationInvitation.objects.filter(answered=False, reminded_at__isnull=True)
    reminding = EventPage.objects.filter(
        pk__in=waiting.values("event_id"), evaluation_reminder_days__isnull=False
    ).exclude(status=EventStatus.CANCELLED)
    count += sum(evaluations_remind(event=event, now=now) for event in reminding)
    evaluations_release_due(now=now)
    return count


def evaluation_invitations_forget(
    *, registration: Registration | None = None, member_ids: list[int] | None = None
) -> int:
    """Retention: an invitation no longer names its person (the counts of invited and answered
    stay). Of a registration and its members, or of the given members."""
    invitations = EvaluationInvitation.objects.all()
    if registration is not None:
        invitations = invitations.filter(
            Q(registration=registration) | Q(member__registration=registration)
        )
    else:
        invitations = invitations.filter(member_id__in=member_ids or [])
    count = 0
    for invitation in invitations.only("pk"):
        EvaluationInvitation.objects.filter(pk=invitation.pk).update(
            registration=None, member=None, person_key=f"x{invitation.pk}"
        )
        count += 1
    return count


def evaluation_closed(event: EventPage, now: datetime) -> bool:
    """No more answers are to be expected: everyone invited has answered, or the last session
    ended ``EVALUATION_CLOSES_AFTER`` ago."""
    if event.last_end is not None and event.last_end + EVALUATION_CLOSES_AFTER <= now:
        return True
    invitations = EvaluationInvitation.objects.filter(event=event)
    return invitations.exists() and not invitations.filter(answered=False).exists()


@transaction.atomic
def evaluations_release(*, event: EventPage, now: datetime | None = None) -> int:
    """Turn the event's pending submissions into anonymous responses, shuffled, each with a
    random id and the day of the release, the pending rows deleted. Returns how many.

    Once the evaluation has closed, all of them. Before, only from twice
    ``EVALUATION_RELEASE_BATCH`` pending on, and then all but a random ``EVALUATION_RELEASE_BATCH``
    of them: every batch released has at least that many, the one at the close too, so the
    last one or two to answer are never released on their own (right after their mark)."""
    now = now or timezone.now()
    event = EventPage.objects.select_for_update().get(pk=event.pk)
    pending = list(EvaluationSubmission.objects.select_for_update().filter(event=event))
    if not pending:
        return 0
    random.SystemRandom().shuffle(pending)
    if not evaluation_closed(event, now):
        if len(pending) < 2 * EVALUATION_RELEASE_BATCH:
            return 0
        pending = pending[EVALUATION_RELEASE_BATCH:]
    day = timezone.localdate(now, timezone.get_default_timezone())
    responses = [EvaluationResponse(event=event, submitted_on=day) for _ in pending]
    EvaluationResponse.objects.bulk_create(responses)
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(
            response=response,
            key=answer["key"],
            label=answer["label"],
            kind=answer["kind"],
            value=answer["value"],
            text=answer["text"],
            sort_order=order,
        )
        for response, submission in zip(responses, pending, strict=True)
        for order, answer in enumerate(submission.answers)
    )
    EvaluationSubmission.objects.filter(pk__in=[submission.pk for submission in pending]).delete()
    return len(pending)


def evaluations_release_due(*, now: datetime | None = None) -> int:
    """The schedule's part: release what waits for every event (closed ones above all)."""
    waiting = EvaluationSubmission.objects.order_by().values("event_id").distinct()
    events = EventPage.objects.filter(pk__in=waiting)
    return sum(evaluations_release(event=event, now=now) for event in events)


@transaction.atomic
def evaluation_record(*, invitation_id: int, answers: list[GivenAnswer]) -> bool:
    """Mark the invitation answered and keep its answers as a pending submission, under its
    row lock: a second submit (a double click, a resent form) stores nothing. False when it
    was answered. The answers become a response only on their release."""
    invitation = (
        EvaluationInvitation.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=invitation_id)
    )
    if invitation.answered:
        return False
    EvaluationSubmission.objects.create(
        event=invitation.event, answers=[asdict(answer) for answer in answers]
    )
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    return True


def evaluation_submit(
    *, token: str, answers: list[GivenAnswer], now: datetime | None = None
) -> str:
    """Answer the invitation the token opens. Returns ``"stored"``, ``"used"`` (answered
    already) or ``"unknown"``."""
    found = evaluation_invitation_by_token(token)
    if found is None:
        return "unknown"
    stored = evaluation_record(invitation_id=found.pk, answers=answers)
    if stored:  # after the submit's commit: a transaction of its own
        try:
            evaluations_release(event=found.event, now=now)
        except DatabaseError:  # the answer is in; the schedule releases it later
            logger.warning("evaluation release for event %s postponed", found.event.pk)
    return "stored" if stored else "used"
