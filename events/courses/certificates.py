"""Completion and course certificates (kursusbevis): who met an event's completion rule, and
issuing their certificates with an email each, through the outbox.

An event's rule counts the sessions that were held: a cancelled session neither counts nor is
required, and a rule of "at least N" never asks for more sessions than were held. The
certificates are issued once the last held session is over and attendance has been recorded
for it; ``certificates_issue_due`` runs on a schedule and is idempotent (a person has one
certificate per event, its email's dedupe key names the certificate), so a later correction of
attendance that qualifies someone more yields their certificate on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.courses.tokens import Person
from events.mail.compose import EmailContext, format_when
from events.mail.services import email_write
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    Certificate,
    CompletionRule,
    EmailKind,
    EventPage,
    EventSession,
    EventStatus,
    ImportKind,
    MeetingImport,
    MeetingState,
    Registration,
    RegistrationStatus,
    SessionAttendance,
    SessionMeeting,
)
from events.models.certificates import new_certificate_token
from home.outbox import DeliveryStatus

# Certificates are issued for events that ended within this window (attendance recorded late
# still counts); older events are left alone.
ISSUE_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class Completion:
    person: Person
    attended: list[EventSession]
    required: int
    certificate: Certificate | None

    @property
    def met(self) -> bool:
        return self.required > 0 and len(self.attended) >= self.required


def _start(session: EventSession) -> datetime:
    return session.starts_at() or datetime.max.replace(tzinfo=UTC)


def held_sessions(event: EventPage) -> list[EventSession]:
    """The sessions that count: not cancelled (nor in a cancelled event), in time order."""
    sessions = [
        s
        for s in event.sessions.all()
        if s.starts_at() is not None and str(s.effective_status(event)) != EventStatus.CANCELLED
    ]
    return sorted(sessions, key=_start)


def required_sessions(event: EventPage, held: int) -> int:
    """How many held sessions a person must attend; 0 when the event issues no certificates."""
    if event.completion_rule == CompletionRule.ALL:
        return held
    if event.completion_rule == CompletionRule.AT_LEAST and event.completion_min_sessions:
        return min(event.completion_min_sessions, held)
    return 0


def _people(event: EventPage) -> list[Person]:
    """Confirmed registrations, each named member of a staff group in its registration's stead;
    anonymised people are gone."""
    people: list[Person] = []
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .prefetch_related("members")
        .order_by("pk")
    )
    for registration in registrations:
        members = list(registration.members.all())
        if members:
            people += [Person(registration, m) for m in members if m.anonymised_at is None]
        elif registration.anonymised_at is None:
            people.append(Person(registration))
    return people


def event_completions(event: EventPage) -> list[Completion]:
    """Every person of the event with the held sessions they attended and their certificate."""
    held = held_sessions(event)
    required = required_sessions(event, len(held))
    by_pk = {s.pk: s for s in held}
    present: dict[tuple[int | None, int | None], list[EventSession]] = {}
    # A live "joined" webhook says only that someone came in, not that they stayed: only a
    # moderator's record (manual) or the platform's report (import) counts.
    rows = (
        SessionAttendance.objects.filter(
            session_id__in=list(by_pk), status=AttendanceStatus.PRESENT
        )
        .exclude(source=AttendanceSource.WEBHOOK)
        .values_list("registration_id", "member_id", "session_id")
    )
    for registration_id, member_id, session_id in rows:
        present.setdefault((registration_id, member_id), []).append(by_pk[session_id])
    certificates: dict[tuple[int | None, int | None], Certificate] = {
        (c.registration_id, c.member_id): c for c in Certificate.objects.filter(event=event)
    }
    completions = []
    for person in _people(event):
        key = (person.registration.pk, person.member.pk if person.member else None)
        attended = sorted(present.get(key, []), key=_start)
        certificate = certificates.get(key)
        completions.append(Completion(person, attended, required, certificate))
    return completions


def certificates_ready(event: EventPage, now: datetime) -> bool:
    """The last held session is over and attendance has been recorded for it; for an event on
    a webinar platform, the attendance import of every held session's meeting is done (a live
    "joined" webhook is no record of who stayed)."""
    held = held_sessions(event)
    if not held or not required_sessions(event, len(held)):
        return False
    last = held[-1]
    ends = last.ends_at()
    if ends is None or ends > now:
        return False
    meetings = (
        SessionMeeting.objects.filter(session__in=held)
        .exclude(external_id="")
        .exclude(state=MeetingState.CANCELLED)
    )
    if meetings.exists():
        imports = MeetingImport.objects.filter(meeting__in=meetings, kind=ImportKind.ATTENDANCE)
        done = imports.filter(status=DeliveryStatus.SENT).values("meeting_id")
        # An import that failed for good (attempts spent, the account unreadable) leaves the
        # session to the moderators: once they have recorded attendance by hand, it counts.
        recorded_by_hand = imports.filter(
            status=DeliveryStatus.FAILED,
            meeting__session__attendance__source=AttendanceSource.MANUAL,
        ).values("meeting_id")
        return not meetings.exclude(pk__in=done).exclude(pk__in=recorded_by_hand).exists()
    return (
        SessionAttendance.objects.filter(session=last)
        .exclude(source=AttendanceSource.WEBHOOK)
        .exists()
    )


def certificate_url(certificate: Certificate) -> str:
    """The person's own page of their certificate (absolute: it goes out by email)."""
    return settings.BASE_URL + reverse("certificates:certificate", args=[certificate.token])


def verification_url(certificate: Certificate) -> str:
    return settings.BASE_URL + reverse("verification:verify", args=[certificate.code])


def _session_row(session: EventSession, event: EventPage) -> dict:
    starts, ends = session.starts_at(), session.ends_at()
    hours = None
    if not session.all_day and starts and ends:
        hours = round((ends - starts).total_seconds() / 3600, 2)
    return {
        "title": session.title,
        "when": format_when(session),
        "start": starts.isoformat() if starts else "",
        "hours": hours,
    }


def _partners(event: EventPage) -> str:
    names = [event.partner.name] if event.partner else []
    names += [p.name for p in event.co_organisers.all() if p.name not in names]
    return ", ".join(names)


def _issue(event: EventPage, completion: Completion, now: datetime) -> Certificate:
    person = completion.person
    certificate = Certificate.objects.create(
        event=event,
        registration=person.registration,
        member=person.member,
        name=person.name,
        course_title=event.title,
        partners=_partners(event),
        sessions=[_session_row(s, event) for s in completion.attended],
        issued_at=now,
    )
    email_write(
        kind=EmailKind.CERTIFICATE,
        to=person.member.email if person.member else person.registration.email,
        dedupe_key=f"certificate:{certificate.pk}",
        registration_id=person.registration.pk,
        context=EmailContext(
            kind=EmailKind.CERTIFICATE,
            event=event,
            name=person.name,
            sessions=completion.attended,
            links=[("Hent dit kursusbevis", certificate_url(certificate))],
        ),
    )
    return certificate


@transaction.atomic
def certificates_issue(*, event: EventPage, now: datetime | None = None) -> int:
    """Issue the missing certificates of an event whose attendance is in; returns how many.

    The event's row is locked, so two workers issuing at once write each certificate once."""
    now = now or timezone.now()
    event = EventPage.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED or not certificates_ready(event, now):
        return 0
    issued = 0
    for completion in event_completions(event):
        if completion.met and completion.certificate is None:
            _issue(event, completion, now)
            issued += 1
    return issued


def certificates_issue_due(*, now: datetime | None = None) -> int:
    """Every event with a completion rule that ended within the window (the schedule's work)."""
    now = now or timezone.now()
    events = (
        EventPage.objects.live()
        .exclude(completion_rule=CompletionRule.NONE)
        .exclude(status=EventStatus.CANCELLED)
        .filter(last_end__lte=now, last_end__gt=now - ISSUE_WINDOW)
    )
    return sum(certificates_issue(event=event, now=now) for event in events)


def certificate_forget(certificate: Certificate, *, now: datetime) -> None:
    """Retention: the name goes and the person's link stops working; the code still confirms
    the course and its dates."""
    certificate.name = ""
    certificate.token = new_certificate_token()
    certificate.anonymised_at = now
    certificate.save(update_fields=["name", "token", "anonymised_at"])


def certificates_anonymise(
    *, registration: Registration | None = None, member_ids: list[int] | None = None, now: datetime
) -> int:
    """Forget the names on the certificates of a registration (and its members), or of the
    given members."""
    certificates = Certificate.objects.filter(anonymised_at__isnull=True)
    if registration is not None:
        certificates = certificates.filter(registration=registration)
    else:
        certificates = certificates.filter(member_id__in=member_ids or [])
    count = 0
    for certificate in certificates:
        certificate_forget(certificate, now=now)
        count += 1
    return count
