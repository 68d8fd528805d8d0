"""Personal links exactly once with real worker clusters on PostgreSQL and Redis: a cluster
killed after Zoom registered a person and before the worker heard of it, then every task
delivered twice to two clusters: each person registered once (the retry gets the same place and
link), and one join-link email each, with their own link."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from events.models import (
    EmailKind,
    MeetingOperation,
    MeetingRegistrant,
    OutboundEmail,
    Registration,
    SessionMeeting,
)
from events.webinars.operations import meeting_operation_perform
from home.models import Audience, Municipality
from home.outbox import DeliveryStatus
from tests.clusters import Clusters, uses_postgres_and_redis, wait_for
from tests.markers import needs_postgres_and_redis

pytestmark = [
    pytest.mark.cluster,
    needs_postgres_and_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASK = "events.webinars.tasks.meeting_registrant_run"


@pytest.fixture(autouse=True)
def _only_clusters_work(monkeypatch, zoom_standin):
    if not uses_postgres_and_redis():
        pytest.skip("needs DATABASE_URL=postgres://… and REDIS_URL")
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kw: None)
    monkeypatch.setenv("ZOOM_API_URL", zoom_standin.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", zoom_standin.oauth_url)


def test_killed_cluster_and_double_delivery_register_each_person_once(
    centre, event_of, vive, zoom_standin, zoom_account, smtp_sink
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    event = event_of(
        vive, webinar_platform="zoom_meeting", join_url="", join_link_hours=24 * 60, publish=False
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"Deltager {n}",
            email=f"klynge{n}@kommune.example",
            workplace="Familieafdelingen",
            municipality=Municipality.objects.get(code="0101"),
            job_role=Audience.objects.first(),
            consent_at=now,
            privacy_version="test",
            status="confirmed",
            confirmed_at=now,
        )
        for n in range(6)
    )
    event.save_revision().publish()
    assert meeting_operation_perform(MeetingOperation.objects.get().pk) == "pushed"
    rows = list(MeetingRegistrant.objects.values_list("pk", flat=True))
    assert len(rows) == 6

    killed: list[int] = []
    with Clusters(1, smtp_port=smtp_sink.port, workers=1) as cluster:

        def kill(request, status) -> None:
            made = len(zoom_standin.calls("/registrants"))
            if request.path.endswith("/registrants") and made == 3 and not killed:
                for process in cluster.processes:
                    os.killpg(process.pid, signal.SIGKILL)
                killed.append(made)

        zoom_standin.after = kill
        for pk in rows:
            async_task(TASK, pk, sync=False)
        assert wait_for(lambda: killed, timeout=90, every=0.05)
        for process in cluster.processes:
            process.wait(timeout=10)
    zoom_standin.after = None
    meeting = SessionMeeting.objects.get(event=event)
    assert len(zoom_standin.registrants[meeting.external_id]) == 3  # the third's answer lost
    assert MeetingRegistrant.objects.filter(status=DeliveryStatus.SENDING).count() == 1

    past = timezone.now() - timedelta(hours=1)
    MeetingRegistrant.objects.filter(status=DeliveryStatus.SENDING).update(claimed_at=past)
    with Clusters(2, smtp_port=smtp_sink.port):
        for pk in rows + rows:
            async_task(TASK, pk, sync=False)
        async_task("events.webinars.tasks.registrants_sweep", sync=False)
        done = MeetingRegistrant.objects.filter(status=DeliveryStatus.SENT)
        assert wait_for(lambda: done.count() == 6, timeout=120)
        time.sleep(2)  # a duplicate would be made now

    people = zoom_standin.registrants[meeting.external_id]
    assert len(people) == 6
    assert len(zoom_standin.calls("POST /v2/meetings/")) == 7  # the lost answer's retry
    links = dict(MeetingRegistrant.objects.values_list("registration_id", "join_url"))
    assert set(links.values()) == {p["join_url"] for p in people.values()}
    emails = list(
        OutboundEmail.objects.filter(kind=EmailKind.JOIN_LINK).values_list(
            "registration_id", "body_text"
        )
    )
    assert len(emails) == 6
    assert all(links[registration_id] in text for registration_id, text in emails)
