"""A staff group's named participants as sent (API body, the applicant's page): checked, with
their answers to the questions asked per participant, and written.

Checking, the places of limited options counted one per member who chose one
(``member_places_check``), and writing the rows (``members_write``): both called under the
event's lock by the services that change members (``registration_create``,
``events.registrations.members``). Every
problem is reported at once under ``members[i].<field>`` (``members[i].answers.<key>`` for an
answer), with a Danish message naming the participant's number and the field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from events.errors import EventsError
from events.models import (
    EventPage,
    EventQuestion,
    GroupMember,
    Participation,
    QuestionKind,
    Registration,
    RegistrationAnswer,
)
from events.registrations.addresses import internet_email_for
from events.registrations.answers import Answer, answer_rows, answers_check
from events.registrations.selectors import option_places_taken

NAME_LIMIT = 200
EMAIL_LIMIT = 254
NEEDS_LIMIT = 2000
FIELDS = {"name", "email", "needs", "answers"}


@dataclass(frozen=True)
class MemberInput:
    """One participant, checked: ``answers`` to the questions asked per participant."""

    name: str
    email: str
    needs: str
    answers: list[Answer]


def questions_split(
    event: EventPage, questions: Sequence[EventQuestion]
) -> tuple[list[EventQuestion], list[EventQuestion]]:
    """(asked once per registration, asked per participant): per participant only for staff
    groups; an individual event asks every question once."""
    if event.participation != Participation.STAFF_GROUP:
        return list(questions), []
    once = [q for q in questions if not q.per_participant]
    each = [q for q in questions if q.per_participant]
    return once, each


def _text(raw: Any, limit: int, *, required: bool) -> str | None:
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or "\x00" in raw:
        return None
    value = raw.strip()
    if len(value) > limit or (required and not value):
        return None
    return value


def member_check(
    raw: Any, *, number: int, questions: Sequence[EventQuestion], errors: dict[str, list[str]]
) -> MemberInput | None:
    """One participant (``number`` from 0, as the field names count); problems go to
    ``errors``; None when there were any."""
    prefix = f"members[{number}]"
    who = f"Deltager {number + 1}"
    before = len(errors)

    def fail(field: str, message: str) -> None:
        errors.setdefault(f"{prefix}.{field}", []).append(f"{who}, {message}")

    if not isinstance(raw, dict):
        errors.setdefault(prefix, []).append(
            f"{who}: angiv deltageren som et objekt med name, email, needs og answers."
        )
        return None
    unknown = sorted(str(key)[:40] for key in raw if key not in FIELDS)
    if unknown:
        errors.setdefault(prefix, []).append(
            f"{who}: ukendte felter ({', '.join(unknown)}); brug name, email, needs og answers."
        )
    name = _text(raw.get("name"), NAME_LIMIT, required=True)
    if name is None:
        fail("name", f"navn: skriv deltagerens navn (højst {NAME_LIMIT} tegn).")
    email = _text(raw.get("email"), EMAIL_LIMIT, required=True)
    if email is not None:
        email = email.lower()
        try:
            internet_email_for("e-mail")(email)
        except ValidationError:
            email = None
    if email is None:
        fail("email", "e-mail: skriv en gyldig e-mailadresse på internettet.")
    needs = _text(raw.get("needs"), NEEDS_LIMIT, required=False)
    if needs is None:
        fail("needs", f"hensyn: højst {NEEDS_LIMIT} tegn tekst.")
    answers: list[Answer] = []
    try:
        answers = answers_check(questions=list(questions), answers=raw.get("answers"))
    except EventsError as error:
        for field, messages in (error.errors or {"answers": [str(error.message)]}).items():
            errors.setdefault(f"{prefix}.{field}", []).extend(f"{who}, {m}" for m in messages)
    if len(errors) > before or name is None or email is None or needs is None:
        return None
    return MemberInput(name=name, email=email, needs=needs, answers=answers)


def _raise(errors: dict[str, list[str]]) -> None:
    messages = [message for field in errors.values() for message in field]
    if len(messages) == 1:
        raise EventsError("members_invalid", errors=errors, summary=messages[0])
    raise EventsError("members_several_invalid", errors=errors, count=len(messages))


def members_check(
    *,
    event: EventPage,
    questions: Sequence[EventQuestion],
    members: Any,
    limit: int,
    taken_emails: Sequence[str] = (),
    first_number: int = 0,
) -> list[MemberInput]:
    """Participants as sent, checked: at most ``limit`` (the seats applied for), each email
    once (``taken_emails``: members the application has already), answers to the questions
    asked per participant (``questions_split``). Raises ``EventsError`` with every problem."""
    if members in (None, []):
        return []
    if event.participation != Participation.STAFF_GROUP:
        raise EventsError("members_not_group")
    if not isinstance(members, list):
        _raise({"members": ["Deltagere: angiv deltagerne som en liste."]})
    if len(members) > limit:
        raise EventsError("members_too_many", limit=limit)
    _, each = questions_split(event, questions)
    errors: dict[str, list[str]] = {}
    checked: list[MemberInput] = []
    seen = {email.lower() for email in taken_emails}
    for number, raw in enumerate(members, start=first_number):
        member = member_check(raw, number=number, questions=each, errors=errors)
        if member is None:
            continue
        if member.email in seen:
            errors.setdefault(f"members[{number}].email", []).append(
                f"Deltager {number + 1}, e-mail: {member.email} er allerede deltager i "
                "ansøgningen; hver deltager skal have sin egen e-mailadresse."
            )
            continue
        seen.add(member.email)
        checked.append(member)
    if errors:
        _raise(errors)
    return checked


def member_places_check(
    *, event: EventPage, members: Sequence[MemberInput], freed: Counter | None = None
) -> None:
    """Each limited option chosen by members must have a place for each of them; counted while
    the event's row is locked (the caller holds it), so concurrent writes never overbook.
    ``freed`` are places the same write gives back (a member's answer being replaced)."""
    wanted: Counter = Counter()
    questions: dict[str, EventQuestion] = {}
    for member in members:
        for answer in member.answers:
            if answer.question.kind == QuestionKind.LIMITED_CHOICE:
                wanted[(answer.question.key, answer.value)] += 1
                questions[answer.question.key] = answer.question
    if not wanted:
        return
    taken = option_places_taken(event_ids=[event.pk], keys=list(questions))
    for (key, value), count in wanted.items():
        question = questions[key]
        option = next(o for o in question.option_list() if o.value == value)
        if option.places is None:
            continue
        held = taken.get((event.pk, key, value), 0) - (freed or Counter())[(key, value)]
        if held + count > option.places:
            raise EventsError(
                "option_full",
                field=f"members.answers.{key}",
                question=question.name(),
                option=option.label,
            )


def members_write(registration: Registration, members: Sequence[MemberInput]) -> list[GroupMember]:
    """Write checked participants and their answers; the caller holds the event's lock (and
    has run ``member_places_check``)."""
    created = [
        GroupMember.objects.create(
            registration=registration, name=member.name, email=member.email, needs=member.needs
        )
        for member in members
    ]
    for row, member in zip(created, members, strict=True):
        member_answers_write(row, member.answers)
    return created


def member_answers_write(member: GroupMember, answers: Sequence[Answer]) -> None:
    """Replace a member's answers with ``answers`` (checked)."""
    member.answers.all().delete()
    RegistrationAnswer.objects.bulk_create(
        answer_rows(registration_id=member.registration_id, answers=answers, member=member)
    )
