"""The demo's evaluation of the finished course: invitations the day after the last module, a
reminder five days later, and answers from most of the participants (a spread on the scales,
Danish free text), so the evaluation report has charts to draw."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from events.evaluations.selectors import evaluation_questions
from events.evaluations.services import (
    EVALUATION_CLOSES_AFTER,
    GivenAnswer,
    evaluation_record,
    evaluations_invite,
    evaluations_release,
    evaluations_remind,
)
from events.models import EvaluationInvitation, EvaluationKind, EventPage

GOOD = (
    "Rollespillene, hvor vi øvede samtaler med børn, gav mig meget at arbejde videre med.",
    "At høre om konkrete sager fra andre kommuner.",
    "Modul 2 om børn, der ikke vil tale: meget brugbart.",
    "Underviserne var gode til at koble forskning og praksis.",
    "Samtaleredskaberne, som jeg allerede har brugt i to sager.",
    "Tid til at drøfte egne sager i små grupper.",
)
BETTER = (
    "Lidt mere tid til spørgsmål efter oplæggene.",
    "Materialet kunne gerne komme før modulerne, ikke efter.",
    "Flere eksempler fra almenområdet, fx skole og dagtilbud.",
    "Lokalet var for lille til gruppearbejdet.",
    "Et opfølgningsmøde et halvt år efter ville være godt.",
)
# Scales lean positive, with a tail: what a well-run course looks like.
SCALE_WEIGHTS = (1, 2, 6, 14, 12)


def _answers(event: EventPage, rng: Random) -> list[GivenAnswer]:
    given = []
    for question in evaluation_questions(event):
        kind = question.kind
        if kind == EvaluationKind.SCALE:
            value: object = rng.choices((1, 2, 3, 4, 5), weights=SCALE_WEIGHTS)[0]
            text = str(value)
        elif kind == EvaluationKind.YES_NO:
            value = rng.random() < 0.85
            text = "Ja" if value else "Nej"
        elif kind in (EvaluationKind.TEXT, EvaluationKind.LONG_TEXT):
            if rng.random() < 0.4:
                continue  # free text is often left empty
            pool = BETTER if "bedre" in question.key else GOOD
            value = text = rng.choice(pool)
        else:
            continue
        given.append(
            GivenAnswer(key=question.key, label=question.label, kind=kind, value=value, text=text)
        )
    return given


def evaluation_demo_seed(*, event: EventPage, rng: Random, now: datetime) -> int:
    """Invite, remind and answer for a finished event, once, and release the answers as at
    the evaluation's close; returns the answers submitted."""
    if (
        event.last_end is None
        or EvaluationInvitation.objects.filter(event=event, answered=True).exists()
    ):
        return 0
    invited_at = min(event.last_end + timedelta(days=1), now)
    evaluations_invite(event=event, now=invited_at)
    invitations = list(EvaluationInvitation.objects.filter(event=event).order_by("pk"))
    rng.shuffle(invitations)
    # About half answer the invitation, a few more the reminder, and some never do.
    first = invitations[: round(len(invitations) * 0.5)]
    late = invitations[len(first) : len(first) + round(len(invitations) * 0.2)]
    stored = 0
    for invitation in first:
        stored += evaluation_record(invitation_id=invitation.pk, answers=_answers(event, rng))
    if event.evaluation_reminder_days:
        reminded_at = invited_at + timedelta(days=event.evaluation_reminder_days, hours=1)
        if reminded_at <= now:
            evaluations_remind(event=event, now=reminded_at)
            for invitation in late:
                stored += evaluation_record(
                    invitation_id=invitation.pk, answers=_answers(event, rng)
                )
    # Released as at the evaluation's close (with seven participants, fewer than six answers
    # wait until then), so the report has charts to draw.
    evaluations_release(event=event, now=max(now, event.last_end + EVALUATION_CLOSES_AFTER))
    return stored
