"""A service the API needs is away: "try again" (503 with Retry-After), never a server error,
and nothing written. The database's outage and Redis' under a running server are in
``tests/faults``; here, the answer's shape on every test run."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from events.models import Registration
from tests.events.registrations import sign_up_body, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, title="Webinar", capacity=10)


def test_a_sign_up_while_redis_is_away_is_a_503_and_writes_nothing(api, webinar, monkeypatch):
    """The throttle counts in Redis (``api.throttling``)."""

    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to redis-secret-host")

    monkeypatch.setattr("api.throttling.counter_incr", unreachable)
    response = api.post(
        f"/api/v1/events/{webinar.pk}/registrations/",
        data=sign_up_body(),
        content_type="application/json",
    )
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "code": "service_unavailable",
        "detail": "Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt.",
    }
    assert not Registration.objects.filter(event=webinar).exists()


def test_a_read_while_redis_is_away_is_a_503(webinar, monkeypatch):
    """The answers are kept in the shared cache (``api.caching``), read before the view, so
    the fault reaches Django's handler500 (``home.views.server_error``), not DRF's."""

    def unreachable(*args, **kwargs):
        raise redis.exceptions.TimeoutError("Timeout reading from redis-secret-host")

    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        monkeypatch.setattr(cache, name, unreachable, raising=False)
    response = Client(raise_request_exception=False).get(f"/api/v1/events/{webinar.pk}/")
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"
    assert b"redis-secret-host" not in response.content
