"""Redis restarted under the Redis broker: the queue goes on, and nothing is lost or doubled.

A private redis-server on its own port, so restarting it disturbs nothing else on the machine.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import Counter

import pytest
import redis
from django.conf import settings
from django_q.brokers.redis_broker import Redis as RedisBroker
from django_q.signing import SignedPackage

from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, OutboundEmail
from home.outbox import DeliveryStatus
from tests.clusters import Clusters, wait_for
from tests.markers import needs_postgres
from tests.smtp import free_port

pytestmark = [
    pytest.mark.cluster,
    needs_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.from_url(self.url)
        assert wait_for(lambda: _pings(client), timeout=10, every=0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("needs DATABASE_URL=postgres://… so worker processes share the database")
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server on the PATH")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_enqueue_from_this_process(monkeypatch):
    monkeypatch.setattr("events.mail.services.enqueue_on_commit", lambda *args: None)


def enqueue(server: PrivateRedis, func: str, *args) -> None:
    """What async_task does, onto the private Redis."""
    broker = RedisBroker(list_key=settings.Q_CLUSTER["name"])
    broker.connection = redis.from_url(server.url)
    task = {"id": f"{func}-{args}-{time.monotonic_ns()}", "name": "fault-test", "func": func}
    task.update(args=args, kwargs={}, started=None, group=None, save=False)
    broker.enqueue(SignedPackage.dumps(task))


def write(event, prefix: str, count: int) -> list[OutboundEmail]:
    return [
        email_write(
            kind=EmailKind.REMINDER,
            to=f"{prefix}{n}@kommune.dk",
            dedupe_key=f"reminder:{prefix}:{n}",
            context=EmailContext(kind=EmailKind.REMINDER, event=event),
        )
        for n in range(count)
    ]


def test_redis_restart_under_the_broker_loses_and_doubles_nothing(
    private_redis, smtp_sink, event_of, vive, monkeypatch
):
    event = event_of(vive, title="Webinar")
    monkeypatch.setenv("REDIS_URL", private_redis.url)
    with Clusters(1, smtp_port=smtp_sink.port):
        for email in write(event, "foer", 5):
            enqueue(private_redis, "events.mail.tasks.email_deliver", email.pk)
        assert wait_for(lambda: len(smtp_sink.messages) == 5, timeout=60)

        # Redis goes down; emails are written meanwhile (their tasks cannot be queued).
        private_redis.stop()
        lost_tasks = write(event, "under", 5)
        time.sleep(2)
        private_redis.start()  # empty: whatever was queued is gone

        # The queue goes on: new work after the restart is done by the same cluster…
        for email in write(event, "efter", 5):
            enqueue(private_redis, "events.mail.tasks.email_deliver", email.pk)
        # …and the sweeper (every minute in production) delivers what was never queued.
        enqueue(private_redis, "events.mail.tasks.emails_sweep")
        assert wait_for(lambda: len(smtp_sink.messages) == 15, timeout=90)
        time.sleep(2)

    counts = Counter(m["To"] for m in smtp_sink.messages)
    assert len(counts) == 15 and set(counts.values()) == {1}
    assert {e.to for e in lost_tasks} <= set(counts)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
