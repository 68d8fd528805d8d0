"""After a session: its meeting's attendance and cloud recording, fetched from the platform.

``imports_schedule`` (every five minutes, ``webinar-imports-due``) writes one ``MeetingImport``
row per meeting and kind once the session ended ``IMPORT_AFTER`` ago (its ``dedupe_key`` makes
it once, whatever runs twice); ``meeting_import_perform`` claims a row and does it:

- attendance: Zoom's past-meeting participants report (every page of ``next_page_token``) or
  Graph's attendance reports (every report, every page of ``@odata.nextLink``), summed per
  person, matched to the confirmed registrations (or a staff group's named participants) by
  address, or on Zoom by the registrant id of the person's own link; a person who stayed at
  least the event's ``attendance_share`` of the session is present, everyone else absent. A
  record a person made is never overwritten (``events.courses.services.attendance_import``).
- recording (Zoom): the share link is proposed to the event's moderators: a draft of the event
  with the link in *Optagelse* (never published by this) and a notice on their dashboard
  (``events.webinars.dashboard``); publishing the draft sends the follow-up email as today.
  A recording Zoom has not finished yet is looked for again, with a backoff, for some hours.

Failures back off exponentially, never sooner than a ``Retry-After``; a report Zoom has not
made yet (404) is tried again likewise.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from events.courses.services import attendance_import
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    EventPage,
    EventStatus,
    GroupMember,
    ImportKind,
    MeetingImport,
    MeetingKind,
    MeetingRegistrant,
    MeetingState,
    Registration,
    RegistrationStatus,
    SessionMeeting,
)
from events.webinars.graph import GraphClient
from events.webinars.links import ZOOM_KINDS
from events.webinars.secrets import SecretUnreadable
from events.webinars.transport import PlatformError
from events.webinars.zoom import ZoomClient
from home.outbox import (
    DeliveryStatus,
    enqueue_on_commit,
    outbox_claim,
    outbox_failed,
    outbox_succeeded,
)

logger = logging.getLogger(__name__)

IMPORT_TASK = "events.webinars.tasks.meeting_import_run"
IMPORT_AFTER = timedelta(minutes=15)
IMPORT_WINDOW = timedelta(days=7)
IMPORT_LEASE = timedelta(minutes=5)
IMPORT_MAX_ATTEMPTS = 10  # 1 minute doubling to an hour: about eight hours in all
IMPORT_BACKOFF_CAP = timedelta(hours=1)
NOT_READY = "Platformen har ikke rapporten eller optagelsen klar endnu."
REJECTED = "Zoom gav et link til optagelsen, der ikke er et https-link på zoom.us; intet foreslået."
UNREADABLE = "Kontoens hemmelighed kan ikke læses (nøglen er skiftet). Angiv den igen."


class NotReady(Exception):
    """The platform has nothing yet (a report in the making, a recording being processed)."""


def _ended(meeting: SessionMeeting, now: datetime) -> bool:
    session = meeting.session
    if session is None or str(session.effective_status(meeting.event)) == EventStatus.CANCELLED:
        return False
    end = session.ends_at()
    return end is not None and now - IMPORT_WINDOW <= end <= now - IMPORT_AFTER


def imports_schedule(*, now: datetime | None = None) -> int:
    """Write the imports of meetings whose session is over; returns how many were written."""
    now = now or timezone.now()
    meetings = (
        SessionMeeting.objects.filter(
            session__isnull=False,
            event__last_end__gte=now - IMPORT_WINDOW - timedelta(days=1),
            event__first_start__lte=now,
        )
        .exclude(external_id="")
        .exclude(state=MeetingState.CANCELLED)
        .select_related("session", "event")
    )
    taken = set(
        MeetingImport.objects.filter(meeting__in=meetings).values_list("dedupe_key", flat=True)
    )
    written = 0
    for meeting in meetings:
        if not _ended(meeting, now):
            continue
        kinds = [ImportKind.ATTENDANCE]
        if meeting.kind in ZOOM_KINDS:
            kinds.append(ImportKind.RECORDING)
        for kind in kinds:
            key = f"import:{meeting.pk}:{kind}"
            if key in taken:
                continue
            try:
                with transaction.atomic():
                    row = MeetingImport.objects.create(meeting=meeting, kind=kind, dedupe_key=key)
            except IntegrityError:
                continue  # another cluster wrote it
            enqueue_on_commit(IMPORT_TASK, row.pk)
            written += 1
    return written


# --- attendance ------------------------------------------------------------------------------


def _seconds(meeting: SessionMeeting) -> tuple[dict[str, int], dict[str, int]]:
    """Seconds present per address and per Zoom registrant id (a person who left and came
    back is in the report once per stay)."""
    by_email: dict[str, int] = defaultdict(int)
    by_registrant: dict[str, int] = defaultdict(int)
    account = meeting.account
    if account is None:
        raise PlatformError(platform="Webinar", status=400, message="ingen konto")
    if meeting.kind == MeetingKind.TEAMS:
        for record in GraphClient(account).attendance_records(meeting.external_id):
            if record.email:
                by_email[record.email.strip().lower()] += record.seconds
        return by_email, by_registrant
    client = ZoomClient(account)
    webinar = meeting.kind == MeetingKind.ZOOM_WEBINAR
    # The registrant id of a personal link is the reliable match (the address is the signed-in
    # Zoom user's, often a private one); each stay is counted once, by id or else by address.
    known = set(
        MeetingRegistrant.objects.filter(meeting=meeting)
        .exclude(registrant_id="")
        .values_list("registrant_id", flat=True)
    )
    try:
        for participant in client.participants(meeting.external_id, webinar=webinar):
            if participant.registrant_id in known:
                by_registrant[participant.registrant_id] += participant.duration_seconds
            elif participant.email:
                by_email[participant.email.strip().lower()] += participant.duration_seconds
    except PlatformError as exc:
        if exc.not_found:  # Zoom makes the report some minutes after the meeting ends
            raise NotReady(NOT_READY) from None
        raise
    return by_email, by_registrant


def _attendance(
    meeting: SessionMeeting, seconds: tuple[dict[str, int], dict[str, int]]
) -> dict[str, Any]:
    session, event = meeting.session, meeting.event
    assert session is not None and event is not None
    start, end = session.starts_at(), session.ends_at()
    assert start is not None and end is not None
    need = (end - start).total_seconds() * event.attendance_share / 100
    by_email, by_registrant = seconds
    registrant_people = dict(
        MeetingRegistrant.objects.filter(meeting=meeting)
        .exclude(registrant_id="")
        .values_list("registrant_id", "person")
    )
    by_person: dict[str, int] = defaultdict(int)
    for registrant_id, stay in by_registrant.items():
        if registrant_id in registrant_people:
            by_person[registrant_people[registrant_id]] += stay
    counts = {"present": 0, "absent": 0, "kept": 0}
    registrations = (
        Registration.objects.filter(event_id=event.pk, status=RegistrationStatus.CONFIRMED)
        .prefetch_related("members")
        .order_by("pk")
    )
    for registration in registrations:
        members = [m for m in registration.members.all() if m.anonymised_at is None]
        people: list[tuple[GroupMember | None, str, str]] = [
            (m, m.email, f"m{m.pk}") for m in members
        ] or [(None, registration.email, f"r{registration.pk}")]
        for member, email, person in people:
            stayed = by_email.get(email.strip().lower(), 0) + by_person.get(person, 0)
            status = AttendanceStatus.PRESENT if stayed >= need else AttendanceStatus.ABSENT
            wrote = attendance_import(
                session=session,
                registration=registration,
                member=member,
                status=status,
                source=AttendanceSource.IMPORT,
            )
            counts[status if wrote else "kept"] += 1
    return counts


# --- recording -------------------------------------------------------------------------------


def _recording(row: MeetingImport) -> dict[str, Any]:
    meeting = row.meeting
    if meeting.account is None:
        raise PlatformError(platform="Zoom", status=400, message="ingen konto")
    found = ZoomClient(meeting.account).recording(meeting.external_id)
    if found is None or not found.share_url:
        raise NotReady(NOT_READY)  # a file's play_url needs a Zoom login: never proposed
    if not share_url_allowed(found.share_url):
        return {"share_url": "", "passcode": "", "rejected": REJECTED}
    return {"share_url": found.share_url, "passcode": found.passcode}


def share_url_allowed(url: str) -> bool:
    """Only an https link on zoom.us (or a subdomain of it) becomes public material."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme != "https" or parts.username or parts.password:
        return False
    return host == "zoom.us" or host.endswith(".zoom.us")


def recording_propose(*, row: MeetingImport, share_url: str) -> bool:
    """A draft of the event with the recording in *Optagelse*, unless the event (or its latest
    draft) has one already. Never published here: a moderator looks and publishes."""
    if row.meeting.event_id is None:
        return False
    event = EventPage.objects.get(pk=row.meeting.event_id)
    draft = event.get_latest_revision_as_object()
    if event.recording_url or draft.recording_url:
        return False
    draft.recording_url = share_url
    draft.save_revision(user=None, log_action=True)
    return True


# --- the worker ------------------------------------------------------------------------------


def _fail(row: MeetingImport, error: str, *, final: bool, retry_after: float | None) -> None:
    outbox_failed(
        MeetingImport,
        row,
        error=error,
        max_attempts=IMPORT_MAX_ATTEMPTS,
        cap=IMPORT_BACKOFF_CAP,
        final=final,
    )
    if retry_after:
        not_before = timezone.now() + timedelta(seconds=min(retry_after, 24 * 3600))
        MeetingImport.objects.filter(
            pk=row.pk, status=DeliveryStatus.PENDING, next_attempt_at__lt=not_before
        ).update(next_attempt_at=not_before)


def meeting_import_perform(row_id: int) -> str:
    if not outbox_claim(MeetingImport, row_id, lease=IMPORT_LEASE):
        return "skipped"
    row = MeetingImport.objects.select_related(
        "meeting__account", "meeting__session", "meeting__event"
    ).get(pk=row_id)
    if row.meeting.session is None or not row.meeting.external_id:
        outbox_succeeded(MeetingImport, row_id, result={"skipped": True})
        return "skipped"
    try:
        if row.kind == ImportKind.ATTENDANCE:
            seconds = _seconds(row.meeting)  # the calls, before any write
            with transaction.atomic():
                result = _attendance(row.meeting, seconds)
                outbox_succeeded(MeetingImport, row_id, result=result)
            return "imported"
        result = _recording(row)
        with transaction.atomic():
            # The claim is the lock: one worker proposes, once.
            result["drafted"] = bool(result["share_url"]) and recording_propose(
                row=row, share_url=result["share_url"]
            )
            outbox_succeeded(MeetingImport, row_id, result=result)
        return "proposed"
    except NotReady as exc:
        _fail(row, str(exc), final=False, retry_after=None)
        return "not ready"
    except SecretUnreadable:
        _fail(row, UNREADABLE, final=True, retry_after=None)
        return "failed"
    except PlatformError as exc:
        logger.warning("webinar import %s (%s): %s", row.pk, row.kind, exc)
        _fail(row, str(exc), final=not exc.transient, retry_after=exc.retry_after)
        return "failed"
