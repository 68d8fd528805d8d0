"""Reads of registrations: whether one can sign up now, a registrant's own by their link, the
counts the admin shows, the privacy text a sign-up consents to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from events.models import (
    PRIVACY_TEXT_VERSION,
    SEAT_STATUSES,
    EventPage,
    EventQuestion,
    EventStatus,
    GroupMember,
    Registration,
    RegistrationAnswer,
    RegistrationStatus,
)
from events.registrations.privacy import privacy_text
from events.registrations.seat_sql import option_places_held

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime


def registration_state(event: EventPage, *, now: datetime, seats_taken: int | None = None) -> dict:
    """Whether one can sign up now: ``open``, ``not_yet_open``, ``closed``, ``full``,
    ``waiting_list`` (full, but the waiting list takes sign-ups) or ``cancelled``.

    ``seats_taken`` defaults to the event's annotated ``seats_taken`` (0 when absent).
    """

    if seats_taken is None:
        seats_taken = getattr(event, "seats_taken", 0) or 0
    seats_left = None if event.capacity is None else max(event.capacity - seats_taken, 0)
    closes = event.registration_closes or event.first_start
    if event.status == EventStatus.CANCELLED:
        state = "cancelled"
    elif event.registration_opens and now < event.registration_opens:
        state = "not_yet_open"
    elif closes is not None and now >= closes:
        state = "closed"
    elif seats_left == 0:
        state = "waiting_list" if event.waiting_list_enabled else "full"
    else:
        state = "open"
    return {"state": state, "seats_left": seats_left}


# What ``new_token`` makes (``secrets.token_urlsafe``); anything else names no registration and
# is not looked up (PostgreSQL refuses a NUL in a query with an error, not an empty result).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _checked_token(token: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise Registration.DoesNotExist
    return token


def registration_by_token(*, token: str) -> Registration:
    """The registration behind a registrant's link, with its answers;
    ``Registration.DoesNotExist`` if none."""
    return (
        Registration.objects.select_related("event__partner", "municipality", "job_role")
        .prefetch_related("answers", "members__answers", "event__sessions", "event__co_organisers")
        .get(token=_checked_token(token), anonymised_at__isnull=True)
    )


def member_by_token(*, token: str) -> GroupMember:
    """The named participant behind a member's link; ``GroupMember.DoesNotExist`` if none."""
    if not _TOKEN.fullmatch(token):
        raise GroupMember.DoesNotExist
    return GroupMember.objects.select_related("registration__event").get(
        token=token, anonymised_at__isnull=True
    )


def registration_by_manager_token(*, token: str) -> Registration:
    return Registration.objects.select_related("event").get(
        manager_token=_checked_token(token), anonymised_at__isnull=True
    )


def registrations_of_email(*, email: str) -> QuerySet[Registration]:
    """A person's registrations, newest event first."""
    return (
        Registration.objects.filter(email=email.strip().lower(), anonymised_at__isnull=True)
        .select_related("event", "municipality", "job_role")
        .prefetch_related("answers", "members__answers")
        .order_by("-event__first_start", "-pk")
    )


def registration_counts(event_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per event: confirmed, waiting, offered, pending and cancelled registrations, seats taken
    (confirmed and offered), and the earliest deadline of the offers out (or None)."""
    rows = (
        Registration.objects.filter(event_id__in=list(event_ids))
        .order_by()
        .values("event_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING_LIST)),
            offered=Count("pk", filter=Q(status=RegistrationStatus.OFFERED)),
            offer_deadline=Min("offer_expires_at", filter=Q(status=RegistrationStatus.OFFERED)),
            pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
            cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
            seats_taken=Coalesce(Sum("participants", filter=Q(status__in=SEAT_STATUSES)), 0),
        )
    )
    return {
        row["event_id"]: {
            "confirmed": row["confirmed"],
            "waiting": row["waiting"],
            "offered": row["offered"],
            "offer_deadline": row["offer_deadline"],
            "pending": row["pending"],
            "cancelled": row["cancelled"],
            "seats_taken": row["seats_taken"],
        }
        for row in rows
    }


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    text: str


def privacy_notice() -> PrivacyNotice:
    """The privacy text a sign-up consents to now, with the version a registration records."""
    return PrivacyNotice(version=PRIVACY_TEXT_VERSION, text=privacy_text())


def option_places_taken(
    *, event_ids: Iterable[int], keys: Iterable[str]
) -> dict[tuple[int, str, str], int]:
    """Places held per option of limited-choice questions, by (event, question key, option
    value), in one query: the participants of every registration that holds or waits for a
    seat (confirmed, waiting list, pending) and chose the option (one per named participant
    who chose it, for a question asked per participant of a staff group). A waiting or pending one
    holds its option's place, so a promotion or an approval never finds its option full.

    Counted while the event's row is locked by every write that takes an option's place, so
    the query is written out (``events.registrations.seat_sql``)."""
    return option_places_held(event_ids=event_ids, keys=keys)


def answer_columns(registrations: QuerySet[Registration]) -> dict[str, str]:
    """The questions of the registrations' events by key, with the label each column is headed
    by: the events' questions in their order (events by start), then questions answered that
    are no longer asked (deleted since), headed as they were asked."""
    event_ids = registrations.order_by().values("event_id")
    columns: dict[str, str] = {}
    questions = EventQuestion.objects.filter(page_id__in=event_ids).order_by(
        "page__first_start", "page_id", "sort_order", "pk"
    )
    for key, label in questions.values_list("key", "label"):
        columns.setdefault(key, label)
    answered = RegistrationAnswer.objects.filter(registration__in=registrations.order_by())
    for key, label in answered.order_by("key", "pk").values_list("key", "label"):
        columns.setdefault(key, label)
    return columns


def members_of_email(*, email: str) -> QuerySet[GroupMember]:
    """Where an address is named as a participant of a staff group (not anonymised), with the
    event and the member's answers: part of that person's data (download, deletion)."""
    return (
        GroupMember.objects.filter(email=email.strip().lower(), anonymised_at__isnull=True)
        .select_related("registration__event")
        .prefetch_related("answers")
        .order_by("pk")
    )
