"""Redis goes away under a running server: 503s with Retry-After, never 500s, nothing half
written, and back when Redis is. Redis holds the shared cache, the sign-up throttle's counters
and the task broker; the test reaches it through a proxy it can cut (``tests.faults.proxy``)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from events.models import Registration
from tests.events.registrations import sign_up_body, vocabulary  # noqa: F401
from tests.faults.proxy import TcpProxy
from tests.faults.server import WebServer
from tests.markers import needs_postgres_and_redis

pytestmark = [
    pytest.mark.cluster,
    needs_postgres_and_redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("vocabulary"),
]

UNAVAILABLE = "Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt."


def test_redis_outage_gives_503_then_recovers_with_nothing_half_written(event_of, vive):
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("needs DATABASE_URL=postgres://… (CI's second run)")
    event = event_of(vive, title="Webinar under Redis-nedbrud", capacity=10)
    redis_url = urlsplit(os.environ["REDIS_URL"])
    proxy = TcpProxy(redis_url.port or 6379, target_host=redis_url.hostname or "127.0.0.1")
    proxy.start()
    prefix = f"redis-outage-test-{os.getpid()}"  # this run's keys only, deleted at the end
    userinfo = redis_url.netloc.rpartition("@")[0]
    userinfo = f"{userinfo}@" if userinfo else ""
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{db.get('PORT') or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url._replace(netloc=f"{userinfo}127.0.0.1:{proxy.port}").geturl(),
        "CACHE_KEY_PREFIX": prefix,
        "Q_CLUSTER_NAME": prefix,  # the sign-up's email task is queued under it, and deleted
        "PYTEST_XDIST_WORKER": "",  # the server's cache is REDIS_URL's database, as given
    }
    sign_up = f"/api/v1/events/{event.pk}/registrations/"
    json_body = {"Content-Type": "application/json"}
    try:
        with WebServer(env=env) as server:
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200, body[:200]

            proxy.cut()
            status, _, body = server.get("/healthz")
            assert status == 503 and json.loads(body)["checks"]["broker"] == "unreachable"
            for path in (
                "/api/v1/events/",
                f"/api/v1/events/{event.pk}/",
                "/api/v1/topics/",
                "/feeds/events.ics",
            ):
                status, headers, body = server.get(path)
                assert status == 503, (path, status, body[:200])
                assert headers.get("Retry-After") == "30"
                said = json.loads(body)["detail"] if path.startswith("/api/") else body.decode()
                assert said == UNAVAILABLE, body[:200]
                assert b"Traceback" not in body and b"redis" not in body.lower()
            status, headers, body = server.request(
                "POST", sign_up, sign_up_body("under@kommune.example"), **json_body
            )
            assert status == 503, body[:300]
            assert headers.get("Retry-After") == "30"
            assert json.loads(body)["code"] == "service_unavailable"
            assert not Registration.objects.filter(event=event).exists()

            proxy.restore()
            status, _, _ = server.get("/healthz")
            assert status == 200
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200 and json.loads(body)["title"] == "Webinar under Redis-nedbrud"
            status, _, body = server.request(
                "POST", sign_up, sign_up_body("efter@kommune.example"), **json_body
            )
            assert status == 201, body[:300]
    finally:
        proxy.cut()
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    assert list(Registration.objects.filter(event=event).values_list("email", flat=True)) == [
        "efter@kommune.example"
    ]
