"""The whole life of a Zoom webinar, every task delivered twice and the platform answering 500
and 429 with Retry-After along the way: people register (their own links mailed once), one
cancels (removed from Zoom once), the session ends, the participants report is imported once
and the recording proposed once; no secret and no address in any log line."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.models import (
    AttendanceStatus,
    EmailKind,
    EventPage,
    ImportKind,
    MeetingImport,
    MeetingRegistrant,
    OutboundEmail,
    SessionAttendance,
    SessionMeeting,
)
from events.registrations.services import registration_cancel
from events.webinars.imports import meeting_import_perform
from events.webinars.registrant_calls import meeting_registrant_perform
from events.webinars.tasks import imports_due, registrants_sweep
from home.outbox import DeliveryStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.webinars.conftest import ZOOM_SECRET, ZOOM_WEBHOOK_SECRET

pytestmark = pytest.mark.usefixtures("vocabulary")


def sweep_until_settled(captured, model, sweep, perform, at):
    """Run the sweeper (and every task twice) until nothing is left to do, moving the clock
    past each backoff and Retry-After."""
    for _ in range(12):
        open_rows = model.objects.exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED])
        if not open_rows.exists():
            return at
        at = max(at, *open_rows.values_list("next_attempt_at", flat=True)) + timedelta(seconds=1)
        with freeze_time(at), captured(execute=True):
            sweep()
            for pk in model.objects.values_list("pk", flat=True):
                perform(pk)
    raise AssertionError("not settled")


def test_whole_life_exactly_once(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    cap = django_capture_on_commit_callbacks
    start = timezone.now() + timedelta(days=3)
    with cap(execute=True):
        event = event_of(
            vive,
            webinar_platform="zoom_meeting",
            join_url="",
            join_link_hours=24 * 7,
            sessions=[{"start": start, "end": start + timedelta(hours=2)}],
        )
    meeting = SessionMeeting.objects.get(event=event)
    zoom_standin.fail(500, match="/registrants")
    zoom_standin.fail(429, match="/registrants", retry_after=300)
    with cap(execute=True):
        people = [sign_up(event, email=f"liv{i}@kommune.example").registration for i in range(4)]
    now = sweep_until_settled(
        cap, MeetingRegistrant, registrants_sweep, meeting_registrant_perform, timezone.now()
    )
    approved = {
        p["email"]: p["join_url"]
        for p in zoom_standin.registrants[meeting.external_id].values()
        if p["status"] == "approved"
    }
    assert sorted(approved) == [f"liv{i}@kommune.example" for i in range(4)]
    assert len(zoom_standin.calls("POST /v2/meetings/")) == 4 + 2  # + the 500 and the 429
    for person in people:
        [email] = OutboundEmail.objects.filter(registration_id=person.pk, kind=EmailKind.JOIN_LINK)
        assert approved[person.email] in email.body_text

    # One cancels: removed once, however often the task comes.
    zoom_standin.fail(500, match="/registrants/status")
    with freeze_time(now), cap(execute=True):
        registration_cancel(registration=people[0])
    sweep_until_settled(cap, MeetingRegistrant, registrants_sweep, meeting_registrant_perform, now)
    assert len(zoom_standin.calls("PUT /v2/meetings/")) == 2  # the 500, then the cancel
    statuses = {
        p["email"]: p["status"] for p in zoom_standin.registrants[meeting.external_id].values()
    }
    assert statuses["liv0@kommune.example"] == "cancelled"

    # The session is over: the report (two stays of one person) and the recording.
    zoom_standin.add_participants(
        meeting.external_id,
        [
            {"user_email": "liv1@kommune.example", "duration": 3600},
            {"user_email": "liv2@kommune.example", "duration": 1800},
            {"user_email": "liv2@kommune.example", "duration": 1800},
            {"user_email": "liv3@kommune.example", "duration": 600},
        ],
    )
    zoom_standin.add_recording(meeting.external_id)
    zoom_standin.fail(429, match="/report/", retry_after=120)
    zoom_standin.fail(500, match="/recordings")
    after = start + timedelta(hours=2, minutes=20)
    with freeze_time(after), cap(execute=True):
        imports_due()
    sweep_until_settled(cap, MeetingImport, imports_due, meeting_import_perform, after)
    assert len(zoom_standin.calls("GET /v2/report/")) == 2  # the 429, then the report
    assert len(zoom_standin.calls("/recordings")) == 2  # the 500, then the recording
    assert MeetingImport.objects.filter(status=DeliveryStatus.SENT).count() == 2
    marks = dict(SessionAttendance.objects.values_list("registration__email", "status"))
    assert marks == {
        "liv1@kommune.example": AttendanceStatus.PRESENT,
        "liv2@kommune.example": AttendanceStatus.PRESENT,
        "liv3@kommune.example": AttendanceStatus.ABSENT,
    }
    event = EventPage.objects.get(pk=event.pk)
    assert event.revisions.count() == 2
    assert (
        event.get_latest_revision_as_object().recording_url
        == (zoom_standin.recordings[meeting.external_id]["share_url"])
    )
    recording = MeetingImport.objects.get(kind=ImportKind.RECORDING)
    assert recording.result["drafted"] is True

    logged = caplog.text
    for secret in (ZOOM_SECRET, ZOOM_WEBHOOK_SECRET, *approved.values(), *approved):
        assert secret not in logged
