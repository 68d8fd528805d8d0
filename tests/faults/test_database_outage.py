"""The database goes away under a running server: 503s, never 500s, and back without loss."""

from __future__ import annotations

import json

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


def test_database_outage_gives_503_then_recovers_with_nothing_lost(postgres_port, event_of, vive):
    event = event_of(vive, title="Webinar under nedbrud")
    db = settings.DATABASES["default"]
    proxy = TcpProxy(postgres_port).start()
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        # No pool: a connection per request, as this test was written for. With the production
        # model's pool, /healthz could still answer 503 a while after the database was back
        # (CI, 0a783e3): the pool's reconnection backs off during an outage. Left for its own
        # change (the closing note of the thirteenth session).
        "DB_POOL_SIZE": "0",
        "REDIS_URL": "",
    }
    try:
        with WebServer(env=env) as server:
            status, _, body = server.get("/healthz")
            assert status == 200, body
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200 and json.loads(body)["title"] == "Webinar under nedbrud"

            proxy.cut()
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

            proxy.restore()
            status, _, _ = server.get("/healthz")
            assert status == 200
            status, _, body = server.get(f"/api/v1/events/{event.pk}/")
            assert status == 200 and json.loads(body)["title"] == "Webinar under nedbrud"
    finally:
        proxy.cut()
    assert EventPage.objects.filter(pk=event.pk, live=True).exists()
