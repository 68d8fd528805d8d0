"""Meetings exactly once with real worker clusters on PostgreSQL and Redis: a cluster killed
after Zoom made a meeting and before the worker heard of it, tasks delivered twice, two
clusters sweeping: one meeting per session."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from events.models import MeetingOperation, MeetingState, SessionMeeting
from home.outbox import DeliveryStatus
from tests.clusters import Clusters, uses_postgres_and_redis, wait_for
from tests.markers import needs_postgres_and_redis

pytestmark = [
    pytest.mark.cluster,
    needs_postgres_and_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASK = "events.webinars.tasks.meeting_operation_run"


@pytest.fixture(autouse=True)
def _only_clusters_work(monkeypatch, zoom_standin):
    if not uses_postgres_and_redis():
        pytest.skip("needs DATABASE_URL=postgres://… and REDIS_URL")
    # No task from this process: the clusters get them; they reach the stand-in by environment.
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kw: None)
    monkeypatch.setenv("ZOOM_API_URL", zoom_standin.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", zoom_standin.oauth_url)


def test_killed_cluster_and_double_delivery_leave_one_meeting_per_session(
    centre, event_of, vive, zoom_standin, zoom_account
):
    events = [event_of(vive, webinar_platform="zoom_meeting", sessions=[{}, {}]) for _ in range(3)]
    operations = list(MeetingOperation.objects.values_list("pk", flat=True))
    assert len(operations) == 6

    killed: list[int] = []
    with Clusters(1, smtp_port=1, workers=1) as cluster:

        def kill(request, status) -> None:
            made = len(zoom_standin.calls("POST /v2/users/me/meetings"))
            if request.path.endswith("/users/me/meetings") and made == 2 and not killed:
                for process in cluster.processes:
                    os.killpg(process.pid, signal.SIGKILL)
                killed.append(made)

        zoom_standin.after = kill
        for pk in operations:
            async_task(TASK, pk, sync=False)
        assert wait_for(lambda: killed, timeout=90, every=0.05)
        for process in cluster.processes:
            process.wait(timeout=10)
    zoom_standin.after = None
    assert len(zoom_standin.live_meetings()) == 2  # the second was made, its answer lost
    assert MeetingOperation.objects.filter(status=DeliveryStatus.SENDING).count() == 1

    # The restarted pipeline: leases run out, every task delivered twice, two clusters.
    past = timezone.now() - timedelta(hours=1)
    MeetingOperation.objects.filter(status=DeliveryStatus.SENDING).update(claimed_at=past)
    SessionMeeting.objects.update(busy_until=None)
    with Clusters(2, smtp_port=1):
        for pk in operations + operations:
            async_task(TASK, pk, sync=False)
        async_task("events.webinars.tasks.meetings_sweep", sync=False)
        done = MeetingOperation.objects.filter(status=DeliveryStatus.SENT)
        assert wait_for(lambda: done.count() == 6, timeout=120)
        time.sleep(2)  # a duplicate would be made now

    assert len(zoom_standin.live_meetings()) == 6
    assert len(zoom_standin.calls("POST /v2/users/me/meetings")) == 6
    meetings = SessionMeeting.objects.filter(event__in=events)
    assert set(meetings.values_list("state", flat=True)) == {MeetingState.CREATED}
    live_ids = {str(m["id"]) for m in zoom_standin.live_meetings()}
    assert set(meetings.values_list("external_id", flat=True)) == live_ids
