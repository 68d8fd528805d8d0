"""Workers racing on PostgreSQL (threads, each its own connection), as two clusters would:
one meeting per session, each call once, updates after the create."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from events.models import MeetingAction, MeetingOperation, MeetingState, SessionMeeting
from events.webinars.operations import meeting_operation_perform
from events.webinars.tasks import meetings_sweep
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres


@pytest.fixture
def quiet_queue(monkeypatch):
    """Tasks are handed to nobody: the test's threads play the workers."""
    handed: list[tuple] = []
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kw: handed.append(args))
    monkeypatch.setattr("events.webinars.tasks.async_task", lambda *args, **kw: handed.append(args))
    return handed


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_workers_on_one_create_make_one_meeting(
    centre, event_of, vive, zoom_standin, zoom_account, quiet_queue
):
    zoom_standin.delay = 0.1
    event = event_of(vive, webinar_platform="zoom_webinar", sessions=[{}, {}])
    operations = list(MeetingOperation.objects.values_list("pk", flat=True))
    assert len(operations) == 2 and quiet_queue

    work = operations * 8
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(in_own_connection(meeting_operation_perform), work))

    assert results.count("pushed") == 2
    assert len(zoom_standin.live_meetings()) == 2
    assert len(zoom_standin.calls("POST /v2/users/me/webinars")) == 2
    states = set(SessionMeeting.objects.filter(event=event).values_list("state", flat=True))
    assert states == {MeetingState.CREATED}


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_create_and_update_racing_keep_order_and_one_meeting(
    centre, event_of, vive, zoom_standin, zoom_account, quiet_queue
):
    zoom_standin.delay = 0.1
    event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = SessionMeeting.objects.get(event=event)
    create = MeetingOperation.objects.get()
    # The create ran once, then a publish moved the session: an update waits beside a retry.
    assert meeting_operation_perform(create.pk) == "pushed"
    session = event.sessions.get()
    page = event.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    page.sessions.all()[0].start = session.start + timedelta(hours=2)
    page.sessions.all()[0].end = session.end + timedelta(hours=2)
    page.save_revision().publish()
    update = MeetingOperation.objects.get(action=MeetingAction.UPDATE)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(in_own_connection(meeting_operation_perform), [update.pk] * 8))
        list(pool.map(in_own_connection(lambda _: meetings_sweep()), range(4)))

    [stored] = zoom_standin.live_meetings()
    assert len(zoom_standin.calls("PATCH /v2/meetings/")) == 1
    assert stored["duration"] == int((session.end - session.start).total_seconds() // 60)
    meeting.refresh_from_db()
    assert meeting.pushed_fingerprint == meeting.desired_fingerprint
    assert meeting.busy_until is None
