"""After a session: Zoom's participants report (every page) and Graph's attendance records
(every report, every page) mark attendance by the event's share of the session, never over a
record a person made; the recording is proposed once as a draft and on the moderators'
dashboard, and publishing it sends the follow-up; retried on 500 and 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.courses.certificates import certificates_issue
from events.courses.services import attendance_set
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    Certificate,
    EmailKind,
    EventPage,
    ImportKind,
    MeetingImport,
    MeetingRegistrant,
    OutboundEmail,
    SessionAttendance,
    SessionMeeting,
)
from events.webinars.dashboard import recordings_proposed
from events.webinars.imports import meeting_import_perform
from events.webinars.tasks import imports_due
from events.webinars.webhooks import participant_joined_record
from home.outbox import DeliveryStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.webinars.conftest import GRAPH_SECRET, ZOOM_SECRET

pytestmark = pytest.mark.usefixtures("vocabulary")

HOUR = 3600


def past_event(event_of, partner, captured, platform, **fields):
    """A two-hour session that ended an hour ago, with its meeting made."""
    start = timezone.now() - timedelta(hours=3)
    with captured(execute=True):
        return event_of(
            partner,
            webinar_platform=platform,
            join_url="",
            sessions=[{"start": start, "end": start + timedelta(hours=2)}],
            registration_closes=None,
            **fields,
        )


def confirmed(captured, event, email):
    with freeze_time(timezone.now() - timedelta(hours=4)), captured(execute=True):
        return sign_up(event, email=email).registration


def status_of(registration):
    row = SessionAttendance.objects.get(registration=registration)
    return row.status, row.source


@pytest.fixture
def zoom_event(event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks):
    return past_event(event_of, vive, django_capture_on_commit_callbacks, "zoom_meeting")


def run_imports(captured):
    with captured(execute=True):
        return imports_due()


def test_zoom_report_every_page_threshold_boundary_and_manual_kept(
    zoom_event, zoom_standin, django_capture_on_commit_callbacks, vive_moderator
):
    cap = django_capture_on_commit_callbacks
    half, under, manual, away = (
        confirmed(cap, zoom_event, f"{name}@kommune.example")
        for name in ("halv", "under", "manuel", "fravaer")
    )
    with cap(execute=True):
        attendance_set(
            session=zoom_event.sessions.get(),
            registration=manual,
            status=AttendanceStatus.ABSENT,
            by=vive_moderator,
        )
    meeting = SessionMeeting.objects.get(event=zoom_event)
    # 300 strangers first, so the people that matter are on the report's second page.
    zoom_standin.add_participants(
        meeting.external_id,
        [{"user_email": f"fremmed{i}@x.example", "duration": 60} for i in range(300)]
        + [
            {"user_email": "HALV@kommune.example", "duration": 1800},
            {"user_email": "halv@kommune.example", "duration": 1800},  # left and came back
            {"user_email": "under@kommune.example", "duration": HOUR - 1},
            {"user_email": "manuel@kommune.example", "duration": 2 * HOUR},
        ],
    )
    assert run_imports(cap) >= 1
    assert len(zoom_standin.calls("GET /v2/report/meetings/")) == 2
    assert status_of(half) == (AttendanceStatus.PRESENT, AttendanceSource.IMPORT)
    assert status_of(under) == (AttendanceStatus.ABSENT, AttendanceSource.IMPORT)
    assert status_of(away) == (AttendanceStatus.ABSENT, AttendanceSource.IMPORT)
    assert status_of(manual) == (AttendanceStatus.ABSENT, AttendanceSource.MANUAL)
    half.refresh_from_db()
    assert half.attended is True

    # Run again (another cluster, a retry): nothing asked twice, nothing changed.
    before = len(zoom_standin.calls("/v2/report/"))
    run_imports(cap)
    row = MeetingImport.objects.get(kind=ImportKind.ATTENDANCE)
    assert meeting_import_perform(row.pk) == "skipped"
    assert len(zoom_standin.calls("/v2/report/")) == before
    assert MeetingImport.objects.filter(kind=ImportKind.ATTENDANCE).count() == 1


def test_the_events_share_decides(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    event = past_event(event_of, vive, cap, "zoom_meeting", attendance_share=75)
    person = confirmed(cap, event, "tre@kommune.example")
    meeting = SessionMeeting.objects.get(event=event)
    zoom_standin.add_participants(
        meeting.external_id, [{"user_email": "tre@kommune.example", "duration": 5399}]
    )
    run_imports(cap)
    assert status_of(person)[0] == AttendanceStatus.ABSENT  # 5399 s < 75 % of 2 hours


def test_report_not_ready_500_and_429_retry_after_then_imported(
    zoom_event, zoom_standin, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    person = confirmed(cap, zoom_event, "en@kommune.example")
    meeting = SessionMeeting.objects.get(event=zoom_event)
    zoom_standin.fail(500, match="/report/")
    run_imports(cap)
    row = MeetingImport.objects.get(kind=ImportKind.ATTENDANCE)
    assert row.status == DeliveryStatus.PENDING and "HTTP 500" in row.last_error
    zoom_standin.fail(429, match="/report/", retry_after=900)
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        assert meeting_import_perform(row.pk) == "failed"
        row.refresh_from_db()
        assert row.next_attempt_at >= timezone.now() + timedelta(seconds=899)
    zoom_standin.add_participants(
        meeting.external_id, [{"user_email": "en@kommune.example", "duration": 2 * HOUR}]
    )
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        assert meeting_import_perform(row.pk) == "imported"
    assert status_of(person)[0] == AttendanceStatus.PRESENT
    assert ZOOM_SECRET not in row.last_error


def test_graph_attendance_every_report_every_page(
    event_of, sst, graph_standin, teams_account, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    event = past_event(event_of, sst, cap, "teams")
    people = [confirmed(cap, event, f"p{i}@kommune.example") for i in range(4)]
    meeting = SessionMeeting.objects.get(event=event)
    # Two reports (the meeting was started twice); records come two a page.
    graph_standin.add_attendance(
        meeting.external_id,
        [
            {"emailAddress": "p0@kommune.example", "seconds": HOUR},
            {"emailAddress": "p1@kommune.example", "seconds": 1800},
            {"emailAddress": "x@y.example", "seconds": HOUR},
        ],
    )
    graph_standin.add_attendance(
        meeting.external_id,
        [
            {"emailAddress": "P1@kommune.example", "seconds": 1800},
            {"emailAddress": "p2@kommune.example", "seconds": 600},
        ],
    )
    run_imports(cap)
    assert [status_of(p)[0] for p in people] == [
        AttendanceStatus.PRESENT,
        AttendanceStatus.PRESENT,
        AttendanceStatus.ABSENT,
        AttendanceStatus.ABSENT,
    ]
    assert len(graph_standin.calls("attendanceRecords")) == 3  # 2 pages + 1 page
    assert not MeetingImport.objects.filter(kind=ImportKind.RECORDING).exists()
    assert GRAPH_SECRET not in str(list(MeetingImport.objects.values()))


def test_recording_proposed_once_as_draft_and_notice_publishing_sends_follow_up(
    client,
    zoom_event,
    zoom_standin,
    django_capture_on_commit_callbacks,
    vive_moderator,
    bv_moderator,
):
    cap = django_capture_on_commit_callbacks
    person = confirmed(cap, zoom_event, "optagelse@kommune.example")
    meeting = SessionMeeting.objects.get(event=zoom_event)
    run_imports(cap)  # no recording yet: tried again later
    row = MeetingImport.objects.get(kind=ImportKind.RECORDING)
    assert row.status == DeliveryStatus.PENDING
    zoom_standin.add_recording(meeting.external_id, passcode="kode42")
    share_url = zoom_standin.recordings[meeting.external_id]["share_url"]
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        run_imports(cap)
        run_imports(cap)
        assert meeting_import_perform(row.pk) == "skipped"
    event = EventPage.objects.get(pk=zoom_event.pk)
    assert event.recording_url == ""  # not published by the import
    assert event.has_unpublished_changes
    draft = event.get_latest_revision_as_object()
    assert draft.recording_url == share_url
    assert event.revisions.count() == 2  # the publish and the one proposal

    [notice] = recordings_proposed(vive_moderator)
    assert notice["share_url"] == share_url and notice["passcode"] == "kode42"
    assert recordings_proposed(bv_moderator) == []
    client.force_login(vive_moderator)
    assert share_url in client.get("/admin/").content.decode()
    client.force_login(bv_moderator)
    body = client.get("/admin/").content.decode()
    assert share_url not in body and zoom_event.title not in body

    assert not OutboundEmail.objects.filter(kind=EmailKind.FOLLOW_UP).exists()
    with cap(execute=True):
        draft.save_revision().publish()
    [follow_up] = OutboundEmail.objects.filter(kind=EmailKind.FOLLOW_UP)
    assert follow_up.to == person.email and share_url in follow_up.body_text
    assert recordings_proposed(vive_moderator) == []


def test_personal_link_from_another_zoom_account_matched_by_registrant_once(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    """The report's user_email is the signed-in Zoom user's (often private); the registrant id
    of the person's own link matches, and a stay with both is counted once."""
    cap = django_capture_on_commit_callbacks
    event = past_event(event_of, vive, cap, "zoom_meeting")
    private = confirmed(cap, event, "anna@kommune.example")
    both = confirmed(cap, event, "bo@kommune.example")
    rows = {
        r.registration_id: r.registrant_id
        for r in MeetingRegistrant.objects.filter(meeting__event=event)
    }
    assert rows[private.pk] and rows[both.pk]
    meeting = SessionMeeting.objects.get(event=event)
    zoom_standin.add_participants(
        meeting.external_id,
        [
            {
                "user_email": "anna.privat@gmail.example",
                "registrant_id": rows[private.pk],
                "duration": 2 * HOUR,
            },
            # Half the needed hour, with the person's own address and id: not 2 x 30 minutes.
            {"user_email": "bo@kommune.example", "registrant_id": rows[both.pk], "duration": 1800},
            # An id the meeting does not know falls back to the address.
            {"user_email": "bo@kommune.example", "registrant_id": "ukendt", "duration": 1799},
        ],
    )
    run_imports(cap)
    assert status_of(private) == (AttendanceStatus.PRESENT, AttendanceSource.IMPORT)
    assert status_of(both) == (AttendanceStatus.ABSENT, AttendanceSource.IMPORT)


def test_a_live_join_issues_no_certificate_until_the_report_is_in(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    event = past_event(event_of, vive, cap, "zoom_meeting", completion_rule="all")
    short, stayed = (confirmed(cap, event, f"{name}@kommune.example") for name in ("kort", "hele"))
    meeting = SessionMeeting.objects.get(event=event)
    for registration in (short, stayed):
        row = MeetingRegistrant.objects.get(registration=registration)
        payload = {
            "account_id": "acc-vive",
            "object": {
                "id": meeting.external_id,
                "participant": {"registrant_id": row.registrant_id},
            },
        }
        assert participant_joined_record(account=meeting.account, payload=payload)
    assert status_of(short) == (AttendanceStatus.PRESENT, AttendanceSource.WEBHOOK)
    with cap(execute=True):
        assert certificates_issue(event=event) == 0  # the report is not in
    zoom_standin.add_participants(
        meeting.external_id,
        [
            {"user_email": "kort@kommune.example", "duration": 1},
            {"user_email": "hele@kommune.example", "duration": 2 * HOUR},
        ],
    )
    zoom_standin.fail(500, match="/report/")
    run_imports(cap)
    assert MeetingImport.objects.get(kind=ImportKind.ATTENDANCE).status == DeliveryStatus.PENDING
    with cap(execute=True):
        assert certificates_issue(event=event) == 0  # the import failed once: still waiting
    row = MeetingImport.objects.get(kind=ImportKind.ATTENDANCE)
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        run_imports(cap)
    assert status_of(short) == (AttendanceStatus.ABSENT, AttendanceSource.IMPORT)
    with cap(execute=True):
        assert certificates_issue(event=event) == 1
    [certificate] = Certificate.objects.filter(event=event)
    assert certificate.registration_id == stayed.pk


def test_an_import_failed_for_good_leaves_the_certificates_to_manual_attendance(
    event_of, vive, vive_moderator, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    event = past_event(event_of, vive, cap, "zoom_meeting", completion_rule="all")
    stayed = confirmed(cap, event, "hele@kommune.example")
    meeting = SessionMeeting.objects.get(event=event)
    run_imports(cap)
    MeetingImport.objects.filter(kind=ImportKind.ATTENDANCE).update(status=DeliveryStatus.FAILED)
    with cap(execute=True):
        assert certificates_issue(event=event) == 0  # nothing recorded by anyone yet
    attendance_set(
        session=meeting.session,
        registration=stayed,
        status=AttendanceStatus.PRESENT,
        by=vive_moderator,
    )
    with cap(execute=True):
        assert certificates_issue(event=event) == 1
    assert Certificate.objects.get(event=event).registration_id == stayed.pk


@pytest.mark.parametrize(
    "share_url",
    [
        "http://us06web.zoom.us/rec/share/abc",
        "https://zoom.us.evil.example/rec/share/abc",
        "https://evilzoom.us/rec/share/abc",
        "javascript:alert(1)",
    ],
)
def test_a_recording_link_not_https_on_zoom_us_is_not_proposed(
    zoom_event, zoom_standin, django_capture_on_commit_callbacks, vive_moderator, share_url
):
    cap = django_capture_on_commit_callbacks
    meeting = SessionMeeting.objects.get(event=zoom_event)
    zoom_standin.add_recording(meeting.external_id, share_url=share_url, passcode="kode1")
    run_imports(cap)
    row = MeetingImport.objects.get(kind=ImportKind.RECORDING)
    assert row.status == DeliveryStatus.SENT
    assert row.result["share_url"] == "" and "zoom.us" in row.result["rejected"]
    assert row.result["drafted"] is False
    event = EventPage.objects.get(pk=zoom_event.pk)
    assert event.get_latest_revision_as_object().recording_url == ""
    assert recordings_proposed(vive_moderator) == []


def test_a_recording_with_only_a_play_url_is_not_proposed(
    zoom_event, zoom_standin, django_capture_on_commit_callbacks, vive_moderator
):
    """A file's play_url needs a Zoom login: no fallback to it; looked for again later."""
    cap = django_capture_on_commit_callbacks
    meeting = SessionMeeting.objects.get(event=zoom_event)
    zoom_standin.add_recording(meeting.external_id)
    zoom_standin.recordings[meeting.external_id]["share_url"] = ""
    run_imports(cap)
    row = MeetingImport.objects.get(kind=ImportKind.RECORDING)
    assert row.status == DeliveryStatus.PENDING
    event = EventPage.objects.get(pk=zoom_event.pk)
    assert event.get_latest_revision_as_object().recording_url == ""
    assert recordings_proposed(vive_moderator) == []
