"""Who should be registered with each Zoom meeting: the writes of ``MeetingRegistrant`` rows.

Each confirmed registration of an event whose sessions have Zoom meetings (and each named
participant of a confirmed staff group) should be a registrant of every such meeting; a
cancellation, a removed participant, a changed address or a meeting made again changes the wish.
These functions never call Zoom: they write the wish on the person's row (one per person and
meeting, its ``dedupe_key`` unique), bump its ``version``, mark it pending and enqueue its task
after the commit; ``events.webinars.registrant_calls`` does the call. They run in the caller's
transaction: a registration's change (``events.signal_handlers``), a meeting made or deleted
(``events.webinars.operations``), and the sweeper's reconciliation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from events.models import (
    GroupMember,
    MeetingRegistrant,
    MeetingState,
    Registration,
    RegistrationStatus,
    SessionMeeting,
    SessionStatus,
)
from events.webinars.links import ZOOM_KINDS, person_key
from home.database import fixed_values_sql
from home.outbox import DeliveryStatus, enqueue_on_commit

REGISTRANT_TASK = "events.webinars.tasks.meeting_registrant_run"

Person = tuple[str, GroupMember | None, str]  # (person key, member, address)


def _people(registration: Registration) -> list[Person]:
    """Who of the registration should be registered: nobody unless confirmed; else the
    registrant, and each named participant of a staff group."""
    if registration.status != RegistrationStatus.CONFIRMED or registration.anonymised_at:
        return []
    people: list[Person] = [(person_key(registration), None, registration.email.lower())]
    for member in registration.members.all():
        if member.anonymised_at is None:
            people.append((person_key(registration, member), member, member.email.lower()))
    return people


def _meeting_open(meeting: SessionMeeting) -> bool:
    """The meeting should exist (a live, not cancelled session with a meeting wanted)."""
    if meeting.session is None or not meeting.desired_fingerprint:
        return False
    if meeting.state == MeetingState.CANCELLED:
        return False
    return meeting.session.status != SessionStatus.CANCELLED


def _key(meeting: SessionMeeting, person: str) -> str:
    return f"registrant:{meeting.pk}:{person}"


def _wish(
    meeting: SessionMeeting,
    registration: Registration,
    row: MeetingRegistrant | None,
    person: str,
    member: GroupMember | None,
    email: str,
    *,
    wanted: bool,
) -> bool:
    """Write one person's wish; True when the row needs a worker."""
    if row is None:
        if not wanted:
            return False
        try:
            with transaction.atomic():
                row = MeetingRegistrant.objects.create(
                    meeting=meeting,
                    registration=registration,
                    member=member,
                    person=person,
                    dedupe_key=_key(meeting, person),
                    email=email,
                )
        except IntegrityError:
            row = MeetingRegistrant.objects.get(dedupe_key=_key(meeting, person))
        else:
            enqueue_on_commit(REGISTRANT_TASK, row.pk)
            return True
    stale = bool(row.registrant_id) and row.registered_meeting != meeting.external_id
    if row.wanted == wanted and (not wanted or (row.email == email and not stale)):
        return False
    if not wanted and not row.registrant_id and row.status != DeliveryStatus.SENDING:
        # Never made on the platform: nothing to cancel there.
        MeetingRegistrant.objects.filter(pk=row.pk).update(
            wanted=False, version=F("version") + 1, status=DeliveryStatus.SENT
        )
        return False
    fields = {"wanted": wanted, "version": F("version") + 1}
    if wanted:
        fields["email"] = email
    MeetingRegistrant.objects.filter(pk=row.pk).update(**fields)
    # A worker on the row finds the version changed when it is done, and goes again.
    MeetingRegistrant.objects.filter(pk=row.pk).exclude(status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    enqueue_on_commit(REGISTRANT_TASK, row.pk)
    return True


# Whether the event has a Zoom meeting at all, asked first: most events have none. Written out,
# since compiling the ORM's query with its join cost a confirmed sign-up 1.7 ms of CPU (py-spy
# over bench/registrations.py's requests); the kinds are fixed values, the event a parameter. A
# sign-up asks it with its locked reads (``any_zoom_meeting_statement``), in the same round trip.
_ANY_ZOOM_MEETING_SQL = (
    f"SELECT 1 FROM {SessionMeeting._meta.db_table} WHERE event_id = %s "  # noqa: S608
    f"AND kind IN ({fixed_values_sql(ZOOM_KINDS)}) "
    "AND session_id IS NOT NULL LIMIT 1"
)


def any_zoom_meeting_statement(event_id: int) -> tuple[str, list[int]]:
    """The statement whose one row (or none) says whether the event has a Zoom meeting, for a
    caller that sends it with others (``home.database.statements_run``)."""
    return _ANY_ZOOM_MEETING_SQL, [event_id]


def _zoom_meetings(event_id: int) -> list[SessionMeeting]:
    with connection.cursor() as cursor:
        cursor.execute(_ANY_ZOOM_MEETING_SQL, [event_id])
        if cursor.fetchone() is None:
            return []
    return list(
        SessionMeeting.objects.filter(
            event_id=event_id, kind__in=ZOOM_KINDS, session__isnull=False
        ).select_related("session")
    )


def registrants_follow(*, registration: Registration) -> int:
    """The registration changed (status, address, participants): its people's wishes for each
    of the event's Zoom meetings follow. Returns how many rows need a worker."""
    meetings = _zoom_meetings(registration.event_id)
    if not meetings:
        return 0
    return _follow(registration, meetings)


def _follow(registration: Registration, meetings: list[SessionMeeting]) -> int:
    people = _people(registration)
    rows = {
        row.dedupe_key: row
        for row in MeetingRegistrant.objects.filter(registration=registration, meeting__in=meetings)
    }
    work = 0
    for meeting in meetings:
        open_ = _meeting_open(meeting)
        wanted_keys = set()
        for person, member, email in people:
            key = _key(meeting, person)
            wanted_keys.add(key)
            work += _wish(meeting, registration, rows.get(key), person, member, email, wanted=open_)
        for key, row in rows.items():
            if row.meeting_id == meeting.pk and key not in wanted_keys:
                work += _wish(meeting, registration, row, row.person, None, row.email, wanted=False)
    return work


def registrants_sync(*, meeting_ids: Iterable[int]) -> int:
    """Every confirmed registration's people for these meetings (a meeting just made, made
    again, or deleted; the sweeper's reconciliation). New rows are written in bulk, so a
    1,000-registrant webinar costs a few queries, not thousands."""
    work = 0
    for meeting in SessionMeeting.objects.filter(
        pk__in=list(meeting_ids), kind__in=ZOOM_KINDS
    ).select_related("session"):
        with transaction.atomic():
            work += _sync_one(meeting)
    return work


def _sync_one(meeting: SessionMeeting) -> int:
    open_ = _meeting_open(meeting)
    rows = {row.person: row for row in MeetingRegistrant.objects.filter(meeting=meeting)}
    registrations = (
        Registration.objects.filter(event_id=meeting.event_id)
        .filter(pk__in=rows_registrations(rows) | _confirmed(meeting))
        .prefetch_related("members")
        .order_by("pk")
    )
    new: list[MeetingRegistrant] = []
    work = 0
    seen = set()
    for registration in registrations:
        for person, member, email in _people(registration):
            seen.add(person)
            row = rows.get(person)
            if row is None and open_:
                new.append(
                    MeetingRegistrant(
                        meeting=meeting,
                        registration=registration,
                        member=member,
                        person=person,
                        dedupe_key=_key(meeting, person),
                        email=email,
                    )
                )
            elif row is not None:
                work += _wish(meeting, registration, row, person, member, email, wanted=open_)
    for person, row in rows.items():
        if person not in seen:
            work += _wish(meeting, row.registration, row, person, None, row.email, wanted=False)
    if meeting.external_id:
        # Rows that waited for the meeting to be made go now, not at the sweeper's next look.
        waiting = MeetingRegistrant.objects.filter(
            meeting=meeting, status=DeliveryStatus.PENDING, next_attempt_at__gt=timezone.now()
        ).filter(attempts=0)
        for pk in list(waiting.values_list("pk", flat=True)):
            MeetingRegistrant.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
                next_attempt_at=timezone.now()
            )
            enqueue_on_commit(REGISTRANT_TASK, pk)
            work += 1
    if new:
        MeetingRegistrant.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        for pk in MeetingRegistrant.objects.filter(
            meeting=meeting, dedupe_key__in=[r.dedupe_key for r in new], attempts=0
        ).values_list("pk", flat=True):
            enqueue_on_commit(REGISTRANT_TASK, pk)
            work += 1
    return work


def rows_registrations(rows: dict[str, MeetingRegistrant]) -> set[int]:
    return {row.registration_id for row in rows.values()}


def _confirmed(meeting: SessionMeeting) -> set[int]:
    return set(
        Registration.objects.filter(
            event_id=meeting.event_id,
            status=RegistrationStatus.CONFIRMED,
            anonymised_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def registrants_erase(
    *, registration_ids: Iterable[int] = (), member_ids: Iterable[int] = ()
) -> int:
    """Retention: the people's addresses and links go with their registrations (or a named
    participant's with them). The Zoom id stays, so a cancellation still owed can be made
    (Zoom finds a registrant by id). A place still on Zoom keeps its registered address until
    the worker has cancelled it (and clears it then); the wish becomes "not wanted" and the
    version moves, so a worker mid-call writes nothing personal back."""
    rows = MeetingRegistrant.objects.filter(registration_id__in=list(registration_ids))
    rows = rows | MeetingRegistrant.objects.filter(member_id__in=list(member_ids))
    owed = list(rows.exclude(registrant_id="").values_list("pk", flat=True))
    count = rows.update(
        email="",
        registered_email=Case(
            When(registrant_id="", then=Value("")),
            default=F("registered_email"),
            output_field=MeetingRegistrant._meta.get_field("registered_email"),
        ),
        join_url="",
        last_error="",
        wanted=False,
        version=F("version") + 1,
    )
    for pk in owed:
        # A row being sent is left to its worker: the new version makes it run once more.
        if (
            MeetingRegistrant.objects.filter(pk=pk)
            .exclude(status=DeliveryStatus.SENDING)
            .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
        ):
            enqueue_on_commit(REGISTRANT_TASK, pk)
    return count
