"""Writes of a staff group's named participants after sign-up: the applicant adds, changes and
removes them from their own page until registration closes; a participant withdraws themselves
by their own link until the event starts.

Participants of an approved application are told at once (their seat and calendar file, or
its cancellation). Each write locks the event's row, then the registration (as every seat
count does), because a participant's answer may take one of an option's places.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.errors import EventsError
from events.mail.member_emails import member_notify
from events.models import (
    EmailKind,
    EventPage,
    GroupMember,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from events.models.registrations import new_token
from events.registrations.roster import (
    member_answers_write,
    member_places_check,
    members_check,
    members_write,
    questions_split,
)
from events.registrations.seats import _lock_registration, _registration_closes


def members_editable(registration: Registration, *, now: datetime | None = None) -> bool:
    """Whether the applicant may still add, change or remove participants."""
    now = now or timezone.now()
    closes = _registration_closes(registration.event)
    return (
        registration.status != RegistrationStatus.CANCELLED
        and registration.anonymised_at is None
        and (closes is None or now < closes)
    )


def _editable(registration: Registration, now: datetime) -> None:
    if registration.anonymised_at is not None:
        raise EventsError("anonymised")
    if registration.status == RegistrationStatus.CANCELLED:
        raise EventsError("members_cancelled")
    if not members_editable(registration, now=now):
        raise EventsError("members_closed")


def _lock(registration: Registration) -> tuple[EventPage, Registration, list[GroupMember]]:
    event, locked = _lock_registration(registration)
    members = list(locked.members.select_for_update().order_by("pk"))
    return event, locked, members


def _told(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.CONFIRMED


@transaction.atomic
def member_add(
    *, registration: Registration, member: Any, now: datetime | None = None
) -> GroupMember:
    """The applicant names one more participant (``member`` as the API's ``members`` items:
    name, email, needs, answers); at most as many as the seats applied for."""
    now = now or timezone.now()
    event, registration, members = _lock(registration)
    _editable(registration, now)
    if len(members) >= registration.participants:
        raise EventsError("members_too_many", limit=registration.participants)
    questions = list(event.questions.all())
    # The group's one answer to a question asked per participant (given before anyone was
    # named) gives way to the members' own, with the places it held.
    _, each = questions_split(event, questions)
    registration.answers.filter(member__isnull=True, key__in=[q.key for q in each]).delete()
    checked = members_check(
        event=event,
        questions=questions,
        members=[member],
        limit=1,
        taken_emails=[m.email for m in members],
        first_number=len(members),
    )
    member_places_check(event=event, members=checked)
    (row,) = members_write(registration, checked)
    row.registration = registration
    if _told(registration):
        member_notify(member=row, kind=EmailKind.MEMBER_CONFIRMATION)
    return row


def _places_held(member: GroupMember) -> Counter:
    return Counter(
        (answer.key, answer.value)
        for answer in member.answers.all()
        if answer.kind == QuestionKind.LIMITED_CHOICE and isinstance(answer.value, str)
    )


@transaction.atomic
def member_change(*, member: GroupMember, data: Any, now: datetime | None = None) -> GroupMember:
    """The applicant changes a participant's name, address, needs or answers. A new address
    is a new person to tell: the old one gets the cancellation, the new one the seat and a new
    link (the old link stops working)."""
    now = now or timezone.now()
    event, registration, members = _lock(member.registration)
    current = next((m for m in members if m.pk == member.pk), None)
    if current is None:
        raise EventsError("member_not_found")
    _editable(registration, now)
    number = members.index(current)
    (checked,) = members_check(
        event=event,
        questions=list(event.questions.all()),
        members=[data],
        limit=1,
        taken_emails=[m.email for m in members if m.pk != current.pk],
        first_number=number,
    )
    member_places_check(event=event, members=[checked], freed=_places_held(current))
    current.registration = registration
    moved = checked.email != current.email
    if moved and _told(registration):
        member_notify(member=current, kind=EmailKind.MEMBER_CANCELLED)
    current.name, current.email, current.needs = checked.name, checked.email, checked.needs
    if moved:
        current.token = new_token()
    current.save()
    member_answers_write(current, checked.answers)
    if moved and _told(registration):
        member_notify(member=current, kind=EmailKind.MEMBER_CONFIRMATION)
    return current


def _remove(registration: Registration, member: GroupMember) -> None:
    member.registration = registration
    if _told(registration):
        member_notify(member=member, kind=EmailKind.MEMBER_CANCELLED)
    member.delete()  # the answers go with it, and the places they held


@transaction.atomic
def member_remove(*, member: GroupMember, now: datetime | None = None) -> None:
    """The applicant takes a participant off the application (the seats stay the group's)."""
    now = now or timezone.now()
    _, registration, members = _lock(member.registration)
    current = next((m for m in members if m.pk == member.pk), None)
    if current is None:
        raise EventsError("member_not_found")
    _editable(registration, now)
    _remove(registration, current)


@transaction.atomic
def member_withdraw(*, member: GroupMember, now: datetime | None = None) -> None:
    """A participant withdraws themselves by their own link, until the event starts; the
    group keeps its seats (the applicant may name someone else)."""
    now = now or timezone.now()
    event, registration, members = _lock(member.registration)
    current = next((m for m in members if m.pk == member.pk), None)
    if current is None:
        raise EventsError("member_not_found")
    if event.first_start is not None and now >= event.first_start:
        raise EventsError("started")
    _remove(registration, current)
