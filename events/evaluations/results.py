"""The evaluations' results, per event or across events: invited, answered, response rate, the
distribution per question (a 1–5 scale with its mean), and the free-text answers.

Questions are gathered by key, so events with the centre's default form add up across events;
a question's label is the one most recently answered. Reads the anonymous answers only: no
result can lead to a person.

The threshold of ``MIN_RESPONSES`` holds per event, in every view: an event with fewer
responses is left out of the counts, means, free texts and exports altogether (the report says
how many were), so neither a combined view nor a subtraction of two views shows its answers,
and no free text is ever labelled with such an event. Each question's free texts are sorted on
their own (alphabetically), so the n-th texts of two questions are not one person's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet

from events.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationKind,
    EvaluationResponse,
    EventPage,
)
from events.models.evaluations import COUNTED_KINDS, SCALE_VALUES
from home.areas.membership import partners_of_user, user_is_coordinator

KIND_LABELS = dict(EvaluationKind.choices)
# Fewer responses than this are not shown: with one or two, whoever knows who took part could
# tell whose answers they are.
MIN_RESPONSES = 3


def evaluation_events(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[EventPage]:
    """The events whose evaluations a user may read: their partners' (coordinators: all)."""
    events = EventPage.objects.all()
    if not user_is_coordinator(user):
        events = events.filter(partner__in=partners_of_user(user))
    return events


@dataclass
class ResultRow:
    """One line of the report and its export: an answer's count for a counted question, or one
    free-text answer (``count`` None)."""

    question: str
    answer: str
    count: int | None = None
    share: float | None = None  # per cent of the question's answers
    mean: float | None = None  # a scale's mean, on its first row
    event: str = ""  # the event a free-text answer was given to


@dataclass
class QuestionResult:
    key: str
    label: str
    kind: str
    answers: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # answer label -> count, in order
    mean: float | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (event title, text)

    @property
    def counted(self) -> bool:
        return self.kind in COUNTED_KINDS


@dataclass
class EvaluationResults:
    invited: int
    answered: int
    responses: int  # those shown: of the events with ``MIN_RESPONSES`` or more
    questions: list[QuestionResult]
    left_out: int = 0  # events with responses, but fewer than ``MIN_RESPONSES``

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.invited, 1) if self.invited else None

    @property
    def withheld(self) -> bool:
        """Some responses are not shown: their events have too few to show without pointing
        at someone (``MIN_RESPONSES``)."""
        return self.left_out > 0

    def rows(self) -> list[ResultRow]:
        rows: list[ResultRow] = []
        for question in self.questions:
            if question.counted:
                for number, (label, count) in enumerate(question.counts.items()):
                    share = round(100 * count / question.answers, 1) if question.answers else 0.0
                    rows.append(
                        ResultRow(
                            question=question.label,
                            answer=label,
                            count=count,
                            share=share,
                            mean=question.mean if number == 0 else None,
                        )
                    )
            else:
                rows += [
                    ResultRow(question=question.label, answer=text, event=title)
                    for title, text in question.texts
                ]
        return rows


def _labels_of(kind: str, value: object, text: str) -> list[tuple[str, str]]:
    """(value key, label) of what one answer counts toward."""
    if kind == EvaluationKind.SCALE:
        return [(str(value), str(value))]
    if kind == EvaluationKind.YES_NO:
        return [("ja", "Ja")] if value is True else [("nej", "Nej")]
    if kind == EvaluationKind.MULTIPLE_CHOICE and isinstance(value, list):
        labels = text.split(", ")
        if len(labels) != len(value):
            labels = [str(v) for v in value]
        return [(str(v), label) for v, label in zip(value, labels, strict=True)]
    return [(str(value), text)]


def _responses_per_event(events: QuerySet[EventPage]) -> dict[int, int]:
    rows = (
        EvaluationResponse.objects.filter(event__in=events)
        .order_by()
        .values_list("event_id")
        .annotate(count=Count("pk"))
    )
    return {event_id: count for event_id, count in rows}


def evaluation_results(events: QuerySet[EventPage]) -> EvaluationResults:
    """The results of ``events`` taken together, each event's answers only from
    ``MIN_RESPONSES`` responses on (the others are left out, and counted as such)."""
    per_event = _responses_per_event(events)
    shown = [event_id for event_id, count in per_event.items() if count >= MIN_RESPONSES]
    invitations = EvaluationInvitation.objects.filter(event__in=events)
    invited = invitations.count()
    answered = invitations.filter(answered=True).count()
    answers = (
        EvaluationAnswer.objects.filter(response__event_id__in=shown)
        .order_by("-response__submitted_on", "sort_order")
        .values_list(
            "key", "label", "kind", "value", "text", "sort_order", "response__event__title"
        )
    )
    questions: dict[str, QuestionResult] = {}
    positions: dict[str, int] = {}
    counters: dict[str, Counter] = {}
    labels: dict[str, dict[str, str]] = {}
    scale_values: dict[str, list[int]] = {}
    for key, label, kind, value, text, sort_order, title in answers:
        question = questions.get(key)
        if question is None:  # the newest answer names the question
            question = questions[key] = QuestionResult(key=key, label=label, kind=kind)
        positions[key] = min(positions.get(key, sort_order), sort_order)
        question.answers += 1
        if question.counted and kind in COUNTED_KINDS:
            for value_key, value_label in _labels_of(kind, value, text):
                counters.setdefault(key, Counter())[value_key] += 1
                labels.setdefault(key, {}).setdefault(value_key, value_label)
            if kind == EvaluationKind.SCALE and isinstance(value, int):
                scale_values.setdefault(key, []).append(value)
        else:
            question.texts.append((title, text))
    for key, question in questions.items():
        counter = counters.get(key, Counter())
        if question.kind == EvaluationKind.SCALE:
            order = [str(v) for v in SCALE_VALUES]
            question.counts = {value: counter.get(value, 0) for value in order}
            values = scale_values.get(key, [])
            question.mean = round(sum(values) / len(values), 2) if values else None
        elif question.kind == EvaluationKind.YES_NO:
            question.counts = {"Ja": counter.get("ja", 0), "Nej": counter.get("nej", 0)}
        else:
            names = labels.get(key, {})
            question.counts = {names[value]: count for value, count in counter.most_common()}
        # Never in the order the responses came in: that would line up one person's texts.
        question.texts.sort(key=lambda pair: (pair[1].casefold(), pair[1], pair[0]))
    ordered = sorted(questions.values(), key=lambda q: (positions[q.key], q.label))
    return EvaluationResults(
        invited=invited,
        answered=answered,
        responses=sum(per_event[event_id] for event_id in shown),
        questions=ordered,
        left_out=sum(1 for count in per_event.values() if 0 < count < MIN_RESPONSES),
    )
