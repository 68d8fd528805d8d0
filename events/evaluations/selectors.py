"""Reads of evaluations: an event's questions (its own, or the centre's default form), who is
to be invited, and an invitation by the token in its link."""

from __future__ import annotations

from django.db.models import Q

from events.courses.certificates import event_completions, held_sessions
from events.courses.tokens import Person
from events.models import (
    EvaluationDefaults,
    EvaluationInvitation,
    EventPage,
    SessionAttendance,
)
from events.models.evaluations import EvaluationQuestionBase, evaluation_token_hash

MAX_TOKEN_LENGTH = 64


def evaluation_questions(event: EventPage) -> list[EvaluationQuestionBase]:
    """The event's own questions; without them the centre's default form, unless the event
    points to an external evaluation instead (then none: its link goes out as before)."""
    own: list[EvaluationQuestionBase] = list(event.evaluation_questions.all())
    if own:
        return own
    if event.evaluation_url:
        return []
    defaults = EvaluationDefaults.objects.order_by("pk").first()
    return list(defaults.questions.all()) if defaults is not None else []


def attendance_recorded(event: EventPage) -> bool:
    return SessionAttendance.objects.filter(
        session__in=[s.pk for s in held_sessions(event)]
    ).exists()


def evaluation_invitees(event: EventPage) -> list[Person]:
    """Who evaluates: those present at one session at least, or, where no attendance is
    recorded, every confirmed registrant (each named member of a staff group in its stead)."""
    completions = event_completions(event)
    if attendance_recorded(event):
        return [c.person for c in completions if c.attended]
    return [c.person for c in completions]


def evaluation_invitation_by_token(token: str) -> EvaluationInvitation | None:
    """The invitation whose link (the first or the reminder's) carries ``token``, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = evaluation_token_hash(token)
    return (
        EvaluationInvitation.objects.select_related("event")
        .filter(Q(token_hash=digest) | Q(reminder_token_hash=digest))
        .first()
    )
