"""Exactly once with real worker clusters on PostgreSQL and the Redis broker (CI's second run)."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from events.emails import EmailContext
from events.models import EmailKind, OutboundEmail
from events.notifications import email_write
from home.outbox import DeliveryStatus
from tests.clusters import Clusters, uses_postgres_and_redis, wait_for
from tests.markers import needs_postgres_and_redis

# serialized_rollback: the flush after a transactional test would take the migrations' rows
# (Wagtail's root page, the municipalities) with it.
pytestmark = [
    needs_postgres_and_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    if not uses_postgres_and_redis():
        pytest.skip("needs DATABASE_URL=postgres://… and REDIS_URL (CI's second run)")


@pytest.fixture(autouse=True)
def _clusters_deliver(monkeypatch):
    """No delivery from this process: the tests hand the tasks to the clusters themselves."""
    monkeypatch.setattr("events.notifications.enqueue_on_commit", lambda *args: None)


def write_emails(event, count: int, prefix: str) -> list[OutboundEmail]:
    return [
        email_write(
            kind=EmailKind.REMINDER,
            to=f"{prefix}{n}@kommune.dk",
            dedupe_key=f"reminder:{prefix}:{n}",
            context=EmailContext(kind=EmailKind.REMINDER, event=event, name=f"Deltager {n}"),
        )
        for n in range(count)
    ]


def test_two_clusters_deliver_each_email_exactly_once(event_of, vive, smtp_sink):
    event = event_of(vive, title="Webinar med mange tilmeldte")
    emails = write_emails(event, 60, "deltager")
    assert smtp_sink.messages == []
    with Clusters(2, smtp_port=smtp_sink.port):
        # Every task enqueued twice, as a redelivery after a lost acknowledgement would be.
        for email in emails + emails:
            async_task("events.tasks.email_deliver", email.pk, sync=False)
        assert wait_for(lambda: len(smtp_sink.messages) >= 60, timeout=120)
        time.sleep(3)  # a duplicate would arrive now

    counts = Counter(m["To"] for m in smtp_sink.messages)
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_killed_cluster_loses_nothing_and_doubles_nothing(event_of, vive, smtp_sink):
    """A cluster killed with SIGKILL mid-work: what it had claimed goes out once, later."""
    event = event_of(vive, title="Webinar")
    emails = write_emails(event, 20, "person")
    smtp_sink.handler.delay = 0.5  # slow enough to kill the cluster mid-work
    with Clusters(1, smtp_port=smtp_sink.port) as first:
        for email in emails:
            async_task("events.tasks.email_deliver", email.pk, sync=False)
        wait_for(lambda: len(smtp_sink.messages) >= 3, timeout=60, every=0.05)
        for process in first.processes:
            os.killpg(process.pid, signal.SIGKILL)
        sent_before_kill = len(smtp_sink.messages)

    assert sent_before_kill < 20, "the cluster finished before it was killed; nothing proven"
    # Time passes: the dead worker's leases run out and the sweeper (every minute) runs.
    smtp_sink.handler.delay = 0
    past = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.filter(status=DeliveryStatus.SENDING).update(claimed_at=past)
    with Clusters(2, smtp_port=smtp_sink.port):
        async_task("events.tasks.emails_sweep", sync=False)
        assert wait_for(lambda: len(smtp_sink.messages) >= 20, timeout=120)
        time.sleep(3)
    counts = Counter(m["To"] for m in smtp_sink.messages)
    assert len(counts) == 20
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # An email the killed worker had handed to SMTP but not marked sent may go twice; no other.
    assert sum(counts.values()) - 20 <= 2
