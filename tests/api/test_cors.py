"""CORS: any site's browser reads what is public (the widget); sign-ups and personal answers are
for the partner sites of ``CORS_ALLOWED_ORIGINS`` only (api/cors.py)."""

from __future__ import annotations

import json

import pytest

from cms.settings import dev
from events.ical.selectors import registrant_feed_token
from events.models import Registration
from events.registrations.services import registrant_feed_key
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

PARTNER = "https://www.vive.dk"
STRANGER = "https://kommune-intranet.example"
ACAO = "Access-Control-Allow-Origin"


@pytest.fixture(autouse=True)
def _partner_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [PARTNER]


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, capacity=10)


@pytest.fixture
def registration(webinar) -> Registration:
    sign_up(webinar, email="anna@kommune.example")
    return Registration.objects.get(email="anna@kommune.example")


def preflight(api, path: str, origin: str, method: str, headers: str = ""):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return api.options(path, headers=request_headers)


def public_paths(webinar) -> list[str]:
    return [
        "/api/v1/events/",
        f"/api/v1/events/{webinar.pk}/",
        "/api/v1/municipalities/",
        "/api/v1/audiences/",
        "/api/v1/topics/",
        "/api/v1/partners/",
        "/feeds/events.ics",
        f"/feeds/events/{webinar.pk}.ics",
    ]


def test_any_origin_reads_what_is_public(api, webinar):
    for path in public_paths(webinar):
        for method in (api.get, api.head):
            response = method(path, headers={"Origin": STRANGER})
            assert response.status_code == 200, path
            assert response[ACAO] == STRANGER, path
            assert "Origin" in response["Vary"], path


def test_any_origin_gets_a_read_preflight_answered(api, webinar):
    response = preflight(api, f"/api/v1/events/{webinar.pk}/", STRANGER, "GET", "accept")
    assert response.status_code == 200
    assert response[ACAO] == STRANGER
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_a_304_and_a_cached_answer_carry_the_asking_origins_header(api, webinar):
    path = f"/api/v1/events/{webinar.pk}/"
    first = api.get(path, headers={"Origin": PARTNER})
    assert first[ACAO] == PARTNER
    # The same answer from the shared cache, to another site: its own origin, not the first's.
    cached = api.get(path, headers={"Origin": STRANGER})
    assert cached.content == first.content
    assert cached[ACAO] == STRANGER
    revalidated = api.get(path, headers={"Origin": STRANGER, "If-None-Match": first["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated[ACAO] == STRANGER
    assert "Origin" in revalidated["Vary"]


def test_personal_answers_are_for_the_partner_origins_only(api, registration):
    feed_token = registrant_feed_token(registrant_feed_key(email=registration.email))
    for path in (f"/api/v1/registrations/{registration.token}/", f"/feeds/me/{feed_token}.ics"):
        stranger = api.get(path, headers={"Origin": STRANGER})
        assert stranger.status_code == 200, path
        assert ACAO not in stranger, path
        assert ACAO not in preflight(api, path, STRANGER, "GET"), path
        partner = api.get(path, headers={"Origin": PARTNER})
        assert partner[ACAO] == PARTNER, path
    path = f"/api/v1/registrations/{registration.token}/"
    assert ACAO not in preflight(api, path, STRANGER, "DELETE")
    assert "DELETE" in preflight(api, path, PARTNER, "DELETE")["Access-Control-Allow-Methods"]


def test_a_sign_up_preflight_is_answered_for_the_partner_origins_only(api, webinar):
    path = f"/api/v1/events/{webinar.pk}/registrations/"
    partner = preflight(api, path, PARTNER, "POST", "content-type, idempotency-key")
    assert partner.status_code == 200
    assert partner[ACAO] == PARTNER
    assert "POST" in partner["Access-Control-Allow-Methods"]
    allowed_headers = partner["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed_headers and "idempotency-key" in allowed_headers
    stranger = preflight(api, path, STRANGER, "POST", "content-type, idempotency-key")
    assert ACAO not in stranger
    assert "Access-Control-Allow-Methods" not in stranger
    # Asking about a read first earns nothing a browser could reuse for the sign-up's address.
    assert ACAO not in preflight(api, path, STRANGER, "GET", "content-type, idempotency-key")
    # Nor does a write's preflight to a public address.
    assert ACAO not in preflight(api, "/api/v1/events/", STRANGER, "POST", "content-type")


def test_a_sign_up_from_a_partner_origin_carries_the_header(api, webinar):
    data = {
        "name": "Anna Andersen",
        "email": "anna@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
    }
    path = f"/api/v1/events/{webinar.pk}/registrations/"
    response = api.post(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={"Origin": PARTNER, "Idempotency-Key": "a1"},
    )
    assert response.status_code == 201
    assert response[ACAO] == PARTNER
    stranger = api.post(
        path,
        data=json.dumps({**data, "email": "bo@kommune.example"}),
        content_type="application/json",
        headers={"Origin": STRANGER, "Idempotency-Key": "b1"},
    )
    assert ACAO not in stranger


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8010", "http://localhost:5173"])
def test_dev_lets_local_pages_sign_up(api, webinar, settings, origin):
    settings.CORS_ALLOWED_ORIGIN_REGEXES = dev.CORS_ALLOWED_ORIGIN_REGEXES
    path = f"/api/v1/events/{webinar.pk}/registrations/"
    assert preflight(api, path, origin, "POST", "content-type")[ACAO] == origin
    assert ACAO not in preflight(api, path, "http://127.0.0.1.evil.example", "POST")
