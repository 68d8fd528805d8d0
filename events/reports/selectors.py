"""Reads behind the centre's reach reports: confirmed registrations, counted per dimension.

The reports aggregate ``Registration`` rows and nothing else. Retention anonymises a
registration's personal fields (name, email, phone, workplace, …) but keeps its event,
municipality, job role, status, participants, attendance and times, so these aggregates *are*
the anonymous counts: a report of last year reads the same after retention has run, and no
report ever reads a personal field.

Only confirmed registrations count. Waiting-list places, staff-group applications not yet
approved and cancellations are interest, not reach. A registration is one person or one staff
group (``tilmeldinger``); ``participants`` is the seats it holds (``deltagere``).

Every function runs one aggregate query, however many rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import (
    AttendanceStatus,
    EventPage,
    EventType,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationStatus,
    SessionAttendance,
)
from home.areas.membership import partners_of_user, user_is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ReachRow:
    """One bar of a reach report."""

    label: str
    registrations: int
    participants: int
    # The first day of the month, on the month report; None elsewhere.
    month: date | None = None


@dataclass(frozen=True)
class AttendanceRow:
    """One session whose attendance the organiser has recorded."""

    label: str
    # The session's day, in Danish time.
    start_date: date | None
    registered: int
    attended: int
    participants_registered: int
    participants_attended: int

    @property
    def attendance_rate(self) -> float | None:
        """Attended registrations as a percentage of those recorded, one decimal."""
        if not self.registered:
            return None
        return round(100 * self.attended / self.registered, 1)


@dataclass(frozen=True)
class Grouping:
    """What a reach report groups by: the columns of the GROUP BY, the one that names a row,
    and the name of the row whose value is missing (a registration without a job role)."""

    group_by: tuple[str, ...]
    label_field: str
    missing_label: StrOrPromise = ""


GROUPINGS: dict[str, Grouping] = {
    "municipality": Grouping(("municipality_id", "municipality__name"), "municipality__name"),
    "region": Grouping(
        ("municipality__region_id", "municipality__region__name"), "municipality__region__name"
    ),
    "job-role": Grouping(("job_role_id", "job_role__name"), "job_role__name", _("Ikke oplyst")),
    "audience": Grouping(
        ("event__audiences__id", "event__audiences__name"),
        "event__audiences__name",
        _("Ingen målgruppe angivet"),
    ),
    "event-type": Grouping(("event__event_type",), "event__event_type"),
    "partner": Grouping(
        ("event__partner_id", "event__partner__short_name"),
        "event__partner__short_name",
        _("Ingen partner"),
    ),
}


def reach_registrations(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Registration]:
    """The confirmed registrations a user may count: their partners' events' (the coordinators
    and superusers: every event's, like the registrations admin)."""
    confirmed = Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    if user_is_coordinator(user):
        return confirmed
    return confirmed.filter(event__partner__in=partners_of_user(user))


def _participants() -> Coalesce:
    """The seats the registrations hold (0, not NULL, when there are none)."""
    return Coalesce(Sum("participants"), 0, output_field=IntegerField())


def reach_by(registrations: QuerySet[Registration], dimension: str) -> list[ReachRow]:
    """Registrations and participants per value of a ``GROUPINGS`` dimension, most
    participants first.

    On the audience report a registration counts once under each of its event's target
    audiences, so its rows add up to more than the total.
    """
    grouping = GROUPINGS[dimension]
    grouped = (
        registrations.order_by()
        .values(*grouping.group_by)
        .annotate(registrations=Count("pk"), participants=_participants())
        # Ties by name; the row without one (no job role given) after the named, on every
        # database (SQLite and PostgreSQL put NULL at opposite ends).
        .order_by("-participants", "-registrations", F(grouping.label_field).asc(nulls_last=True))
    )
    type_labels = dict(EventType.choices)
    rows = []
    for values in grouped:
        label = values[grouping.label_field]
        if dimension == "event-type":
            label = type_labels.get(label, label)
        rows.append(
            ReachRow(
                label=str(label or grouping.missing_label),
                registrations=values["registrations"],
                participants=values["participants"],
            )
        )
    return rows


def _add_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def reach_by_month(registrations: QuerySet[Registration]) -> list[ReachRow]:
    """Registrations and participants per month of the event's first start (Danish time),
    oldest first, with the months between that had none as zero rows."""
    grouped = (
        registrations.order_by()
        .annotate(month=TruncMonth("event__first_start", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(registrations=Count("pk"), participants=_participants())
        .order_by("month")
    )
    counts: dict[date | None, tuple[int, int]] = {}
    for values in grouped:
        month = values["month"]
        if isinstance(month, datetime):
            month = _local_date(month)
        key = month.replace(day=1) if month else None
        before = counts.get(key, (0, 0))
        counts[key] = (before[0] + values["registrations"], before[1] + values["participants"])

    months = sorted(key for key in counts if key is not None)
    rows = []
    if months:
        month = months[0]
        while month <= months[-1]:
            registered, participants = counts.get(month, (0, 0))
            rows.append(
                ReachRow(
                    label=date_format(month, "F Y"),
                    registrations=registered,
                    participants=participants,
                    month=month,
                )
            )
            month = _add_month(month)
    if None in counts:
        registered, participants = counts[None]
        rows.append(ReachRow(str(_("Uden dato")), registered, participants))
    return rows


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, timezone.get_default_timezone()).date() if moment else None


def _session_label(event_title: str, session_title: str, day: date | None) -> str:
    when = date_format(day, "j. F Y") if day else str(_("uden dato"))
    name = f"{event_title} – {session_title}" if session_title else event_title
    return f"{name} ({when})"


def attendance_by_session(registrations: QuerySet[Registration]) -> list[AttendanceRow]:
    """Per session, the confirmed registrations whose attendance at it is recorded and how
    many of them came, in order of the sessions' start. Records only: a registration without
    one is left out (a session without any record has no row), since unknown attendance is not
    absence. A staff group recorded per named participant counts once as a registration (came:
    any of them came) and one participant per member; recorded as a whole, its seats."""
    present = Q(status=AttendanceStatus.PRESENT)
    seats = Case(
        When(member__isnull=True, then=F("registration__participants")),
        default=Value(1),
        output_field=IntegerField(),
    )
    grouped = (
        SessionAttendance.objects.filter(
            registration__in=registrations.order_by().values("pk"),
        )
        .values(
            "session_id",
            "session__title",
            "session__start",
            "session__start_date",
            "session__event__title",
        )
        .annotate(
            registered=Count("registration", distinct=True),
            attended_count=Count("registration", filter=present, distinct=True),
            participants_registered=Coalesce(Sum(seats), 0, output_field=IntegerField()),
            participants_attended=Coalesce(
                Sum(seats, filter=present), 0, output_field=IntegerField()
            ),
        )
        .order_by("session__start", "session__start_date", "session_id")
    )
    rows = []
    for values in grouped:
        day = values["session__start_date"] or _local_date(values["session__start"])
        rows.append(
            AttendanceRow(
                label=_session_label(
                    values["session__event__title"], values["session__title"], day
                ),
                start_date=day,
                registered=values["registered"],
                attended=values["attended_count"],
                participants_registered=values["participants_registered"],
                participants_attended=values["participants_attended"],
            )
        )
    rows.sort(key=lambda row: (row.start_date is None, row.start_date or date.min))
    return rows


# The questions whose answers are counted per option.
COUNTED_KINDS = (
    QuestionKind.CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.LIMITED_CHOICE,
    QuestionKind.YES_NO,
)


@dataclass(frozen=True)
class AnswerRow:
    """One option of one question: how many confirmed registrations chose it."""

    key: str
    question: str
    label: str
    registrations: int
    participants: int


def answer_counts(registrations: QuerySet[Registration], *, event: EventPage) -> list[AnswerRow]:
    """Per option of each choice and yes/no question the event asks, the registrations among
    ``registrations`` (of this event) that chose it and their participants, in the questions'
    and options' order; an option chosen by none has a row of zeros. Statistical answers
    survive anonymisation, so their counts do too. One query."""
    questions = [q for q in event.questions.all() if q.kind in COUNTED_KINDS]
    if not questions:
        return []
    # A staff group's member's answer holds one seat; the group counts once as a registration
    # for each option any of its members chose.
    answers = (
        RegistrationAnswer.objects.filter(
            registration__in=registrations.filter(event=event).order_by().values("pk"),
            key__in=[q.key for q in questions],
        )
        .annotate(
            seats=Case(
                When(member__isnull=True, then=F("registration__participants")),
                default=Value(1),
            )
        )
        .values_list("key", "value", "registration_id", "seats")
    )
    chose: dict[tuple[str, object], set[int]] = {}
    seats_of: dict[tuple[str, object], int] = {}
    for key, value, registration_id, seats in answers:
        for chosen in value if isinstance(value, list) else [value]:
            chose.setdefault((key, chosen), set()).add(registration_id)
            seats_of[(key, chosen)] = seats_of.get((key, chosen), 0) + seats
    counts = {pair: (len(ids), seats_of[pair]) for pair, ids in chose.items()}
    rows = []
    for question in questions:
        if question.kind == QuestionKind.YES_NO:
            options: list[tuple[object, str]] = [(True, str(_("Ja"))), (False, str(_("Nej")))]
        else:
            options = [(option.value, option.label) for option in question.option_list()]
        for value, label in options:
            registered, seats = counts.get((question.key, value), (0, 0))
            rows.append(AnswerRow(question.key, question.label, label, registered, seats))
    return rows
