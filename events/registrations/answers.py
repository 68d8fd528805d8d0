"""Answers to an event's questions at sign-up: checked against the questions, in their order.

Checking (with a vocabulary lookup for the municipality and job-role pickers), and the places
of limited options (``option_places_check``), which ``registration_create`` calls under the
event's lock before it writes the answers. Every problem is reported at once, each under
``answers.<key>`` with a Danish message naming the question (``events.errors.ANSWER_MESSAGES``).

What an answer may be, by kind (``None``, ``""`` and ``[]`` are no answer):

=================  =======================================================================
text, long_text    a string (at most 500 / 5,000 characters, no NUL)
number             a number, or a string of one ("2,5" too)
date               a string ``YYYY-MM-DD``
yes_no             ``true`` or ``false``
choice, limited    an offered option's ``value``
multiple_choice    a list of offered options' values
municipality       a municipality's four-digit code
job_role           an audience's slug
=================  =======================================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format, number_format

from events.errors import ANSWER_MESSAGES, EventsError
from events.models import (
    EventPage,
    EventQuestion,
    GroupMember,
    QuestionKind,
    RegistrationAnswer,
)
from events.models.questions import Option
from events.registrations.selectors import option_places_taken
from home.models import Audience, Municipality

TEXT_LIMITS = {QuestionKind.TEXT: 500, QuestionKind.LONG_TEXT: 5000}
NUMBER_LIMIT = Decimal("1e12")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"\d{4}")
_SLUG = re.compile(r"[A-Za-z0-9_-]{1,100}")
# An unknown key is named in the message, cut short: a client may send anything.
KEY_SHOWN = 60


@dataclass(frozen=True)
class Answer:
    """One checked answer: ``value`` as the API and the row keep it, ``text`` as people read
    it (option labels, ``Ja``/``Nej``, the municipality's name, a Danish date)."""

    question: EventQuestion
    value: Any
    text: str


class _Invalid(Exception):
    def __init__(self, reason: str, **params: object):
        self.reason = reason
        self.params = params


def _no_answer(raw: Any) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def _text(question: EventQuestion, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, str):
        raise _Invalid("text")
    if "\x00" in raw:
        raise _Invalid("text_invalid_character")
    value = raw.strip()
    limit = TEXT_LIMITS[QuestionKind(question.kind)]
    if len(value) > limit:
        raise _Invalid("text_too_long", limit=limit)
    return value, value


def _number(question: EventQuestion, raw: Any) -> tuple[int | float, str]:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _Invalid("number")
    try:
        number = Decimal(raw.strip().replace(",", ".") if isinstance(raw, str) else str(raw))
    except (InvalidOperation, ValueError):
        raise _Invalid("number") from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise _Invalid("number")
    value: int | float = int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("number")
    return value, number_format(value, use_l10n=True)


def _date(question: EventQuestion, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, str) or not _DATE.fullmatch(raw.strip()):
        raise _Invalid("date")
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise _Invalid("date") from None
    return day.isoformat(), date_format(day, "j. F Y")


def _yes_no(question: EventQuestion, raw: Any) -> tuple[bool, str]:
    if not isinstance(raw, bool):
        raise _Invalid("yes_no")
    return raw, "Ja" if raw else "Nej"


def _offered(question: EventQuestion) -> dict[str, str]:
    return {option.value: option.label for option in question.option_list() if option.active}


def _choice(question: EventQuestion, raw: Any) -> tuple[str, str]:
    offered = _offered(question)
    if not isinstance(raw, str) or raw not in offered:
        raise _Invalid("choice")
    return raw, offered[raw]


def _multiple_choice(question: EventQuestion, raw: Any) -> tuple[list[str], str]:
    offered = _offered(question)
    if not isinstance(raw, list) or not raw or len(set(map(repr, raw))) != len(raw):
        raise _Invalid("multiple_choice")
    if not all(isinstance(item, str) and item in offered for item in raw):
        raise _Invalid("multiple_choice")
    chosen = [value for value in offered if value in raw]  # the options' order, once each
    return chosen, ", ".join(offered[value] for value in chosen)


def _municipality(question: EventQuestion, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, str) or not _CODE.fullmatch(raw):
        raise _Invalid("municipality")
    name = Municipality.objects.filter(code=raw).values_list("name", flat=True).first()
    if name is None:
        raise _Invalid("municipality")
    return raw, name


def _job_role(question: EventQuestion, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, str) or not _SLUG.fullmatch(raw):
        raise _Invalid("job_role")
    name = Audience.objects.filter(slug=raw).values_list("name", flat=True).first()
    if name is None:
        raise _Invalid("job_role")
    return raw, name


CLEANERS = {
    QuestionKind.TEXT: _text,
    QuestionKind.LONG_TEXT: _text,
    QuestionKind.NUMBER: _number,
    QuestionKind.DATE: _date,
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.CHOICE: _choice,
    QuestionKind.LIMITED_CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _multiple_choice,
    QuestionKind.MUNICIPALITY: _municipality,
    QuestionKind.JOB_ROLE: _job_role,
}


def question_shown(question: EventQuestion, given: Mapping[str, Any]) -> bool:
    """Whether ``question`` is asked, given the answers to the questions before it: always
    without a condition, else when the condition's question was answered with its value (or,
    for several choices, the value is among them)."""
    if not question.shown_if_question:
        return True
    if question.shown_if_question not in given:
        return False
    answer, expected = given[question.shown_if_question], question.condition_value()
    if isinstance(answer, list):
        return expected in answer
    return answer == expected and type(answer) is type(expected)


def _condition_text(question: EventQuestion, questions: list[EventQuestion]) -> dict[str, str]:
    target = next((q for q in questions if q.key == question.shown_if_question), None)
    expected = question.condition_value()
    value = str(expected)
    if isinstance(expected, bool):
        value = "ja" if expected else "nej"
    elif target is not None:
        value = next((o.label for o in target.option_list() if o.value == expected), value)
    return {
        "condition": target.name() if target is not None else question.shown_if_question,
        "value": value,
    }


def answers_check(*, questions: list[EventQuestion], answers: Any) -> list[Answer]:
    """The answers to ``questions`` (the event's, in order), checked; raises ``EventsError``
    (``answers_invalid``, 400) with every problem. A hidden question (its condition unmet)
    must not be answered; a required one must be, when shown."""
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        raise EventsError(
            "answers_invalid",
            errors={"answers": [str(ANSWER_MESSAGES["not_an_object"])]},
            summary=ANSWER_MESSAGES["not_an_object"],
        )
    errors: dict[str, list[str]] = {}

    def fail(question: EventQuestion, reason: str, **params: object) -> None:
        message = ANSWER_MESSAGES[reason] % {"question": question.name(), **params}
        errors.setdefault(f"answers.{question.key}", []).append(str(message))

    keys = {question.key for question in questions}
    for key in answers:
        if key not in keys:
            shown = key if len(key) <= KEY_SHOWN else key[: KEY_SHOWN - 1] + "…"
            message = ANSWER_MESSAGES["unknown"] % {"key": shown.replace("\x00", "")}
            errors.setdefault("answers", []).append(str(message))

    given: dict[str, Any] = {}
    failed: set[str] = set()
    checked: list[Answer] = []
    for question in questions:
        raw = answers.get(question.key)
        answered = question.key in answers and not _no_answer(raw)
        if question.shown_if_question in failed:
            continue  # its condition's own message comes first
        if not question_shown(question, given):
            if answered:
                fail(question, "hidden", **_condition_text(question, questions))
            continue
        if not answered:
            if question.required:
                fail(question, "required")
            continue
        try:
            value, text = CLEANERS[QuestionKind(question.kind)](question, raw)
        except _Invalid as invalid:
            fail(question, invalid.reason, **invalid.params)
            failed.add(question.key)
            continue
        given[question.key] = value
        checked.append(Answer(question=question, value=value, text=text))
    if errors:
        messages = [message for field in errors.values() for message in field]
        if len(messages) == 1:
            raise EventsError("answers_invalid", errors=errors, summary=messages[0])
        count = len(messages)
        raise EventsError("answers_several_invalid", errors=errors, count=count)
    return checked


def limited_option_keys(answers: list[Answer]) -> list[str]:
    """The questions whose chosen option has places of its own: what ``option_places_check``
    needs counted."""
    return [question.key for question, _, _ in _limited_choices(answers)]


def _limited_choices(answers: list[Answer]) -> list[tuple[EventQuestion, Option, int]]:
    """Each limited-choice question answered with an option that has places of its own: the
    question, the option and its places."""
    choices = []
    for answer in answers:
        question = answer.question
        if question.kind != QuestionKind.LIMITED_CHOICE:
            continue
        option = next(o for o in question.option_list() if o.value == answer.value)
        if option.places is not None:
            choices.append((question, option, option.places))
    return choices


def option_places_check(
    *,
    event: EventPage,
    answers: list[Answer],
    participants: int,
    held: Mapping[tuple[int, str, str], int] | None = None,
) -> None:
    """Each limited option chosen must have places for ``participants`` more; counted while the
    event's row is locked, so concurrent sign-ups never overbook an option. ``held``: the
    places held per option as the caller counted them under the lock (for every key of
    ``limited_option_keys``), else counted here."""
    choices = _limited_choices(answers)
    if not choices:
        return
    if held is None:
        held = option_places_taken(
            event_ids=[event.pk], keys=[question.key for question, _, _ in choices]
        )
    for question, option, places in choices:
        taken = held.get((event.pk, question.key, option.value), 0)
        if taken + participants > places:
            raise EventsError(
                "option_full",
                field=f"answers.{question.key}",
                question=question.name(),
                option=option.label,
            )


def answer_rows(
    *, registration_id: int, answers: Sequence[Answer], member: GroupMember | None = None
) -> list[RegistrationAnswer]:
    """The rows that keep ``answers`` (checked) of a registration, or of one of its named
    members: each with its question's key, label, kind and data class as they are now."""
    return [
        RegistrationAnswer(
            registration_id=registration_id,
            member=member,
            key=answer.question.key,
            label=answer.question.label,
            kind=answer.question.kind,
            data_class=answer.question.data_class,
            value=answer.value,
            text=answer.text,
            sort_order=number,
        )
        for number, answer in enumerate(answers)
    ]
