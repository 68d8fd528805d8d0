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

from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, OutboundEmail
from home.outbox import DeliveryStatus
from tests.clusters import Clusters, uses_postgres_and_redis, wait_for
from tests.markers import needs_postgres_and_redis

# serialized_rollback: the flush after a transactional test would take the migrations' rows
# (Wagtail's root page, the municipalities) with it.
pytestmark = [
    pytest.mark.cluster,
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
    monkeypatch.setattr("events.mail.services.enqueue_on_commit", lambda *args: None)


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
            async_task("events.mail.tasks.email_deliver", email.pk, sync=False)
        assert wait_for(lambda: len(smtp_sink.messages) >= 60, timeout=120)
        time.sleep(3)  # a duplicate would arrive now

    counts = Counter(m["To"] for m in smtp_sink.messages)
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def run_until_killed(smtp_sink, emails, *, hook: str, count: int) -> None:
    """One cluster of one worker sends ``emails``; the sink's ``hook`` (``on_rcpt`` or
    ``on_kept``) SIGKILLs the whole cluster when ``count`` messages have been kept."""
    killed: list[int] = []
    with Clusters(1, smtp_port=smtp_sink.port, workers=1) as cluster:

        def kill(kept: int) -> None:
            if kept == count and not killed:
                for process in cluster.processes:
                    os.killpg(process.pid, signal.SIGKILL)
                killed.append(kept)

        setattr(smtp_sink.handler, hook, kill)
        for email in emails:
            async_task("events.mail.tasks.email_deliver", email.pk, sync=False)
        assert wait_for(lambda: killed, timeout=60, every=0.05)
        for process in cluster.processes:
            process.wait(timeout=10)
    setattr(smtp_sink.handler, hook, None)


def sweep_after_kill(smtp_sink, expected: int) -> Counter:
    """What a restarted pipeline does once the dead worker's leases have run out."""
    past = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.filter(status=DeliveryStatus.SENDING).update(claimed_at=past)
    with Clusters(2, smtp_port=smtp_sink.port):
        async_task("events.mail.tasks.emails_sweep", sync=False)
        assert wait_for(lambda: len(smtp_sink.messages) >= expected, timeout=120)
        time.sleep(3)  # a duplicate would arrive now
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    return Counter(m["To"] for m in smtp_sink.messages)


def test_a_worker_killed_mid_send_loses_nothing_and_doubles_nothing(event_of, vive, smtp_sink):
    """SIGKILL while the worker is in the middle of the SMTP exchange of the 4th email (the
    server has not accepted it): that email goes out once, later, and no other twice."""
    event = event_of(vive, title="Webinar")
    emails = write_emails(event, 20, "person")
    run_until_killed(smtp_sink, emails, hook="on_rcpt", count=3)
    assert len(smtp_sink.messages) == 3
    assert OutboundEmail.objects.filter(status=DeliveryStatus.SENDING).count() == 1

    counts = sweep_after_kill(smtp_sink, 20)
    assert len(counts) == 20 and set(counts.values()) == {1}


def test_a_worker_killed_between_acceptance_and_record_resends_the_same_message(
    event_of, vive, smtp_sink
):
    """The one window no sender can close (RFC 1047): the server has kept the message, the
    worker dies before it hears "250". That one email goes again, with the same Message-ID
    (which mail systems use to drop a repeat); every other email exactly once."""
    event = event_of(vive, title="Webinar")
    emails = write_emails(event, 10, "person")
    run_until_killed(smtp_sink, emails, hook="on_kept", count=4)

    counts = sweep_after_kill(smtp_sink, 11)
    assert len(counts) == 10
    assert sorted(counts.values()) == [1] * 9 + [2]
    twice = [m for m in smtp_sink.messages if counts[m["To"]] == 2]
    assert twice[0]["Message-ID"] == twice[1]["Message-ID"]
