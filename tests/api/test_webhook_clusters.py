"""Webhooks with real worker clusters on PostgreSQL and the Redis broker (CI's second run):
each delivery is POSTed once, signed, whichever cluster and however often its task runs."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django_q.tasks import async_task
from standardwebhooks import Webhook

from api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from tests.clusters import Clusters, uses_postgres_and_redis, wait_for
from tests.events.conftest import build_event
from tests.markers import needs_postgres_and_redis
from tests.receiver import Receiver

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
    """No delivery from this process: the test hands the tasks to the clusters itself."""
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kwargs: None)


@pytest.fixture
def receivers():
    servers = [Receiver().start() for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


def test_two_clusters_post_each_delivery_once_and_stop_on_410(centre, vive, receivers):
    live, gone = receivers
    live_endpoint = WebhookEndpoint.objects.create(name="Partnersite", url=live.url)
    gone_endpoint = WebhookEndpoint.objects.create(name="Nedlagt site", url=gone.url)
    gone.answer(*[410] * 50)
    for n in range(10):
        build_event(vive, title=f"Webinar {n}")
    deliveries = list(WebhookDelivery.objects.all())
    assert len(deliveries) == 20

    with Clusters(2, smtp_port=1):
        # Every task twice, as a redelivery after a lost acknowledgement would be.
        for delivery in deliveries + deliveries:
            async_task("api.webhooks.tasks.webhook_deliver", delivery.pk, sync=False)
        assert wait_for(
            lambda: (
                not WebhookDelivery.objects.filter(
                    status__in=[WebhookStatus.PENDING, WebhookStatus.SENDING]
                ).exists()
            ),
            timeout=120,
        )
        time.sleep(2)  # a duplicate would arrive now

    ids = Counter(r.headers["webhook-id"] for r in live.received)
    assert len(ids) == 10 and set(ids.values()) == {1}
    for request in live.received:
        assert Webhook(live_endpoint.secret).verify(request.body, request.headers)["type"] == (
            "event.published"
        )
    assert len(gone.received) == 1
    gone_endpoint.refresh_from_db()
    assert gone_endpoint.active is False
    statuses = Counter(
        WebhookDelivery.objects.filter(endpoint=gone_endpoint).values_list("status", flat=True)
    )
    assert statuses == {WebhookStatus.FAILED: 1, WebhookStatus.CANCELLED: 9}
    assert set(
        WebhookDelivery.objects.filter(endpoint=live_endpoint).values_list("status", flat=True)
    ) == {WebhookStatus.SENT}
