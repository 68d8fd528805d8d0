"""The database goes away under a running server: 503s, never 500s, and back without loss."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from events.models import EventPage
from tests.faults.proxy import TcpProxy
from tests.faults.server import WebServer
from tests.markers import needs_postgres

pytestmark = [
    pytest.mark.cluster,
    needs_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def postgres_port() -> int:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("needs DATABASE_URL=postgres://… (CI's second run)")
    return int(db.get("PORT") or 5432)


# How long the pool variant keeps the database away: long enough for psycopg_pool's doubling
# reconnection delay (1, 2, 4, 8, 16 s…) to have grown past the time the server is given to be
# back, had it not been bounded (DB_POOL_RECONNECT_SECONDS).
# Unbounded, its retries came about 0, 1, 3, 7, 15 and 31 s (±10 %) after the cut: after a 17 s
# outage, the next one was 10 s and more away. Bounded, one comes within about 2 s.
OUTAGE_SECONDS = 17
BACK_WITHIN_SECONDS = 5


@pytest.mark.parametrize(
    "model",
    [
        # a connection per request (DB_POOL_SIZE=0), as workers and tests connect
        {"DB_POOL_SIZE": "0", "DB_CONN_MAX_AGE": "0"},
        # production's web model: a pool per process (cms/gunicorn.conf.py); a request waits
        # DB_POOL_TIMEOUT for a connection, shortened here so that the outage's 503s come soon
        {"DB_POOL_SIZE": "9", "DB_POOL_TIMEOUT": "1"},
    ],
    ids=["per-request", "pool"],
)
def test_database_outage_gives_503_then_recovers_with_nothing_lost(
    model, postgres_port, event_of, vive
):
    event = event_of(vive, title="Webinar under nedbrud")
    db = settings.DATABASES["default"]
    proxy = TcpProxy(postgres_port).start()
    pooled = model["DB_POOL_SIZE"] != "0"
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "REDIS_URL": "",
        **model,
    }
    try:
        with WebServer(env=env) as server:
            status, _, body = server.get("/healthz")
            assert status == 200, body
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200 and json.loads(body)["title"] == "Webinar under nedbrud"

            proxy.cut()
            cut_at = time.monotonic()
            status, headers, body = server.get("/healthz")
            assert status == 503
            assert json.loads(body)["checks"]["database"] == "unreachable"
            for path in ("/api/v1/events/", f"/api/v1/events/{event.pk}/", "/api/v1/topics/"):
                status, headers, body = server.get(path)
                assert status == 503, (path, status, body[:200])
                assert headers.get("Retry-After") == "30"
                answer = json.loads(body)
                assert answer["code"] == "service_unavailable"
                assert b"Traceback" not in body and b"psycopg" not in body
            status, _, body = server.get("/admin/login/")
            assert status == 503 and b"midlertidigt" in body
            if pooled:
                while time.monotonic() < cut_at + OUTAGE_SECONDS:
                    status, _, _ = server.get("/healthz")
                    assert status == 503
                    time.sleep(1)

            proxy.restore()
            restored_at = time.monotonic()
            status, _, _ = server.get("/healthz")
            while status != 200 and time.monotonic() < restored_at + BACK_WITHIN_SECONDS:
                time.sleep(0.5)
                status, _, _ = server.get("/healthz")
            assert status == 200, f"still {status} {time.monotonic() - restored_at:.0f} s after"
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200 and json.loads(body)["title"] == "Webinar under nedbrud"
    finally:
        proxy.cut()
    assert EventPage.objects.filter(pk=event.pk, live=True).exists()
