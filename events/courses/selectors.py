"""Reads of the check-in: the sessions a moderator may take attendance at, the people of one
session with their record, found by name or municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from events.courses.tokens import Person
from events.models import (
    AttendanceStatus,
    EventSession,
    Registration,
    RegistrationStatus,
    SessionAttendance,
)
from home.areas.permissions import PartnerScopedPolicy

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Moderators of the event's partner (and the coordinators) take attendance; editors do not.
session_policy = PartnerScopedPolicy(
    EventSession, partner_path="event__partner", member_actions=(), moderator_actions=("attend",)
)

# The check-in's list: sessions from a month back to a week ahead.
LISTED_BEFORE = timedelta(days=31)
LISTED_AFTER = timedelta(days=7)
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Attendee:
    person: Person
    municipality: str
    workplace: str
    status: str  # an AttendanceStatus value, or "" with no record

    @property
    def status_label(self) -> str:
        return str(AttendanceStatus(self.status).label) if self.status else ""


def checkin_sessions_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[EventSession]:
    return session_policy.instances_user_has_permission_for(user, "attend")


def checkin_sessions(
    user: AbstractBaseUser | AnonymousUser, *, now: datetime | None = None
) -> list[EventSession]:
    """The sessions near now (a month back, a week ahead) of the events the user may take
    attendance at, in time order."""
    now = now or timezone.now()
    low, high = now - LISTED_BEFORE, now + LISTED_AFTER
    near = Q(all_day=False, start__gte=low, start__lte=high) | Q(
        all_day=True, start_date__gte=low.date(), start_date__lte=high.date()
    )
    sessions = (
        checkin_sessions_of(user)
        .filter(near, event__live=True)
        .select_related("event")
        .order_by("pk")
    )
    return sorted(sessions, key=lambda s: (s.starts_at() or now, s.pk))


def session_attendees(session: EventSession, *, query: str = "") -> list[Attendee]:
    """The confirmed people of the session's event with their record at this session: each
    registration, or for a staff group with named participants each participant. ``query``
    keeps those whose name or municipality contains it (any case; a named member by their own
    name or the group's municipality)."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    registrations = (
        Registration.objects.filter(event_id=session.event_id, status=RegistrationStatus.CONFIRMED)
        .select_related("municipality")
        .prefetch_related("members")
        .order_by("name", "pk")
    )
    records: dict[tuple[int, int | None], str] = {
        (registration_id, member_id): status
        for registration_id, member_id, status in SessionAttendance.objects.filter(
            session=session
        ).values_list("registration_id", "member_id", "status")
    }
    # Matched here, not in SQL: SQLite compares only ASCII letters without case ("øster" would
    # miss "Øster"), and one event's registrations are few.
    folded = query.casefold()
    rows = []
    for registration in registrations:
        municipality = registration.municipality.name
        matches_group = not folded or folded in municipality.casefold()
        if not (
            matches_group
            or folded in registration.name.casefold()
            or any(folded in m.name.casefold() for m in registration.members.all())
        ):
            continue
        people = [Person(registration, m) for m in registration.members.all()] or [
            Person(registration)
        ]
        for person in people:
            if person.member and not (matches_group or folded in person.name.casefold()):
                continue
            rows.append(
                Attendee(
                    person=person,
                    municipality=municipality,
                    workplace=registration.workplace,
                    status=records.get(
                        (registration.pk, person.member.pk if person.member else None), ""
                    ),
                )
            )
    rows.sort(key=lambda row: (row.person.name.casefold(), row.person.key))
    return rows


@dataclass(frozen=True)
class SessionCount:
    present: int
    people: int


def session_count(session: EventSession) -> SessionCount:
    """How many of the session's people are recorded present, of how many in all."""
    present = SessionAttendance.objects.filter(
        session=session,
        status=AttendanceStatus.PRESENT,
        registration__status=RegistrationStatus.CONFIRMED,
    ).count()
    return SessionCount(present=present, people=len(session_attendees(session)))
