"""Writes of attendance per session (``SessionAttendance``).

Recording is a set, never a toggle: "present" sent twice is present once, so a phone that
retries a tap after losing its connection changes nothing the second time. Each write locks the
registration's row, so two moderators tapping the same person at once write one row (the
constraints would refuse a second; the lock spares the error). ``Registration.attended`` stays
as the summary the listings, filters and exports read: yes when the person (or any named member)
was present at a session, no when every record says otherwise, empty with no record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from events.errors import EventsError
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    EventSession,
    GroupMember,
    Registration,
    RegistrationStatus,
    SessionAttendance,
    SessionStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Recorded:
    attendance: SessionAttendance
    # False when the record already said so (a repeated tap): nothing was written.
    changed: bool


def session_started(session: EventSession, now: datetime) -> bool:
    starts = session.starts_at()
    return starts is not None and starts <= now


def session_ended(session: EventSession, now: datetime) -> bool:
    ends = session.ends_at()
    return ends is not None and ends <= now


def session_open_for_check_in(session: EventSession, now: datetime) -> bool:
    """Presence is recorded from the session's day on (in Danish time), not before."""
    starts = session.starts_at()
    if starts is None:
        return False
    tz = timezone.get_default_timezone()
    return timezone.localtime(starts, tz).date() <= timezone.localtime(now, tz).date()


def _attended_summary(registration: Registration) -> bool | None:
    statuses = set(
        SessionAttendance.objects.filter(registration=registration).values_list("status", flat=True)
    )
    if not statuses:
        return None
    return AttendanceStatus.PRESENT in statuses


def _summary_save(registration: Registration) -> None:
    attended = _attended_summary(registration)
    if registration.attended is not attended:
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])


def _record(
    *,
    session: EventSession,
    registration: Registration,
    member: GroupMember | None,
    status: str,
    by: User | None,
) -> Recorded:
    attendance, created = SessionAttendance.objects.get_or_create(
        session=session,
        registration=registration,
        member=member,
        defaults={"status": status, "recorded_by": by, "source": AttendanceSource.MANUAL},
    )
    if created:
        return Recorded(attendance, True)
    if attendance.status == status:
        if attendance.source != AttendanceSource.MANUAL:
            # A person confirmed what the platform said: theirs now, never overwritten.
            attendance.source = AttendanceSource.MANUAL
            attendance.recorded_by = by
            attendance.save(update_fields=["source", "recorded_by", "recorded_at"])
        return Recorded(attendance, False)
    attendance.status = status
    attendance.recorded_by = by
    attendance.source = AttendanceSource.MANUAL
    attendance.save(update_fields=["status", "recorded_by", "source", "recorded_at"])
    return Recorded(attendance, True)


def _check(
    *, session: EventSession, registration: Registration, status: str, now: datetime
) -> None:
    if status not in AttendanceStatus.values:
        raise EventsError("attendance_status_unknown")
    if session.event_id != registration.event_id:
        raise EventsError("attendance_wrong_event")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventsError("attendance_not_confirmed")
    if session.status == SessionStatus.CANCELLED:
        raise EventsError("attendance_session_cancelled")
    if status != AttendanceStatus.EXCUSED and not session_open_for_check_in(session, now):
        raise EventsError("attendance_too_early")


@transaction.atomic
def attendance_set(
    *,
    session: EventSession,
    registration: Registration,
    member: GroupMember | None = None,
    status: str,
    by: User | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Record one person's attendance at one session: the registration, or one of its named
    members (a group that names its participants is recorded per participant)."""
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _check(session=session, registration=registration, status=status, now=now)
    members = list(registration.members.values_list("pk", flat=True))
    if member is None and members:
        raise EventsError("attendance_member_required")
    if member is not None and member.pk not in members:
        raise EventsError("attendance_wrong_event")
    recorded = _record(
        session=session, registration=registration, member=member, status=status, by=by
    )
    if recorded.changed:
        _summary_save(registration)
    return recorded


@transaction.atomic
def attendance_set_started(
    *,
    registration: Registration,
    status: str,
    by: User | None = None,
    now: datetime | None = None,
) -> int:
    """Record the same attendance for the registration (or each of its named members) at
    every session of its event that has begun and is not cancelled: the admin's bulk action.
    Returns how many records changed."""
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if status not in AttendanceStatus.values:
        raise EventsError("attendance_status_unknown")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventsError("attendance_not_confirmed")
    sessions = [
        session
        for session in EventSession.objects.filter(event_id=registration.event_id)
        if session.status != SessionStatus.CANCELLED and session_started(session, now)
    ]
    if not sessions:
        raise EventsError("attendance_no_session_started")
    people: list[GroupMember | None] = [*registration.members.all()] or [None]
    changed = 0
    for session in sessions:
        for member in people:
            recorded = _record(
                session=session, registration=registration, member=member, status=status, by=by
            )
            changed += recorded.changed
    _summary_save(registration)
    return changed


@transaction.atomic
def attendance_clear(*, registration: Registration) -> None:
    """Forget every attendance record of the registration (and its members)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    SessionAttendance.objects.filter(registration=registration).delete()
    _summary_save(registration)


@transaction.atomic
def attendance_import(
    *,
    session: EventSession,
    registration: Registration,
    member: GroupMember | None = None,
    status: str,
    source: str,
) -> bool:
    """What a webinar platform says of one person at one session (its participant report, or
    its live "joined" webhook). A record a person made (``source`` manual) is never
    overwritten; a later report overwrites a webhook's "present". True when it wrote."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.CONFIRMED:
        return False
    attendance = SessionAttendance.objects.filter(
        session=session, registration=registration, member=member
    ).first()
    if attendance is None:
        SessionAttendance.objects.create(
            session=session, registration=registration, member=member, status=status, source=source
        )
    elif attendance.source == AttendanceSource.MANUAL:
        return False
    elif source == AttendanceSource.WEBHOOK and attendance.source == AttendanceSource.IMPORT:
        return False  # the report, made after the session, knows better than a live "joined"
    elif attendance.status == status and attendance.source == source:
        return False
    else:
        attendance.status = status
        attendance.source = source
        attendance.save(update_fields=["status", "source", "recorded_at"])
    _summary_save(registration)
    return True
