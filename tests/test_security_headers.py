"""Security headers on everything the system answers, and the production settings' hardening."""

from __future__ import annotations

import importlib
import os
import re
from unittest import mock

import pytest
from django.test import Client

from home.demo import vocabulary_seed
from tests.events.conftest import build_event
from tests.events.registrations import apply_group, sign_up

PATHS = ["/api/v1/events/", "/feeds/events.ics", "/admin/login/", "/healthz", "/api/v1/nope/"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_kind_of_answer(client, centre, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if path.startswith("/admin/"):
        assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_production_settings_harden_https_cookies_and_frames():
    env = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cms.example.dk",
        "BASE_URL": "https://cms.example.dk",
    }
    with mock.patch.dict(os.environ, env):
        # Fresh copies of base and production, read under the production environment.
        base = importlib.reload(importlib.import_module("cms.settings.base"))
        production = importlib.reload(importlib.import_module("cms.settings.production"))
    importlib.reload(base)
    assert production.DEBUG is False
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.X_FRAME_OPTIONS == "SAMEORIGIN"
    assert production.SECURE_CONTENT_TYPE_NOSNIFF


# --- Content-Security-Policy on every HTML page ------------------------------------------


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


def nonces_in(response) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', response.content.decode()))


def assert_strict(response) -> None:
    """No JavaScript at all; styles only by this answer's nonce; no frames, no other site."""
    policy = directives(response)
    assert policy["default-src"] == {"'none'"}
    assert (
        "script-src" not in policy and "'unsafe-inline'" not in response["Content-Security-Policy"]
    )
    assert policy["form-action"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}
    [nonce] = nonces_in(response)
    assert policy["style-src"] == {f"'nonce-{nonce}'"}


@pytest.fixture
def registration(vive):
    vocabulary_seed()
    event = build_event(vive, title="Webinar om børnesamtaler")
    return sign_up(event).registration


@pytest.fixture
def application(vive):
    vocabulary_seed()
    course = build_event(
        vive, participation="staff_group", capacity=10, event_type="advisory_course"
    )
    return apply_group(course).registration


def local(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("page", ["manage", "cancel", "mine", "data"])
def test_registrant_pages_have_the_strict_policy(client, registration, page):
    url = {
        "manage": registration.manage_url(),
        "cancel": registration.cancel_url(),
        "mine": registration.manage_url() + "mine/",
        "data": registration.data_url(),
    }[page]
    response = client.get(local(url))
    assert response.status_code == 200
    assert_strict(response)
    # The token is in the URL: sent as Referer to this site only (and so Origin is not null).
    assert response["Referrer-Policy"] == "same-origin"


def test_the_managers_page_and_what_a_post_answers_have_the_strict_policy(
    client, application, registration
):
    response = client.get(local(application.manager_confirm_url()))
    assert response.status_code == 200
    assert_strict(response)
    answer = client.post(local(application.manager_confirm_url()))
    assert "Forankringen er bekræftet" in answer.content.decode()
    assert_strict(answer)
    erased = client.post(local(registration.data_url()))
    assert "Dine data er slettet" in erased.content.decode()
    assert_strict(erased)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/findes/ikke/", 404),
        ("GET", "/tilmelding/ukendt-token/", 404),
        ("POST", "/tilmelding/ukendt-token/afmeld/", 403),  # the CSRF failure page
    ],
)
def test_error_pages_have_the_strict_policy(centre, method, path, status):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method.lower())(path)
    assert response.status_code == status
    assert_strict(response)


def test_wagtails_own_page_serving_has_the_strict_policy_without_a_nonce(client, centre):
    response = client.get("/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    assert policy.get("style-src", set()) == set()  # it asked for no nonce: none is granted


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/"])
def test_the_admin_has_its_policy(client, vive_editor, path):
    if path != "/admin/login/":
        client.force_login(vive_editor)
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'self'"}  # the editor frames its live preview
    assert policy["form-action"] == {"'self'"}
    assert policy["img-src"] == {"'self'", "data:", "blob:"}  # no Gravatar
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/v1/schema/docs/", "/api/v1/schema/redoc/"])
def test_the_api_docs_have_a_policy_their_scripts_run_under(client, centre, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    [nonce] = nonces_in(response)
    assert policy["script-src"] == {"'self'", f"'nonce-{nonce}'"}
    assert policy["default-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    # Nothing from another site: the assets are drf-spectacular-sidecar's, served here.
    assert "googleapis" not in response.content.decode()
    assert "https:" not in response["Content-Security-Policy"]


def test_each_answer_has_its_own_nonce(client, registration):
    first, second = (client.get(local(registration.manage_url())) for _ in range(2))
    assert nonces_in(first) != nonces_in(second)


@pytest.mark.parametrize("path", ["/api/v1/events/", "/feeds/events.ics", "/healthz"])
def test_json_and_calendars_carry_no_policy(client, centre, path):
    assert not client.get(path).has_header("Content-Security-Policy")


def test_a_cross_site_post_to_a_registrant_form_is_refused(registration):
    """Same-origin Referrer-Policy did not weaken CSRF: a form on another site (or a browser
    that sends ``Origin: null``), even with a valid token and cookie, cancels nothing."""
    client = Client(enforce_csrf_checks=True)
    url = local(registration.cancel_url())
    token = str(client.get(url).context["csrf_token"])
    for origin in ("https://evil.example", "null"):
        response = client.post(url, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
        assert response.status_code == 403
        assert "Formularen blev ikke sendt" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    response = client.post(url, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"
