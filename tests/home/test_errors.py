"""Server errors: only a database that cannot be reached is a 503; other faults stay 500s (so
tests catch them), and neither tells the client anything of the fault. The pages people land on
(400, 403, CSRF failure, 404, 500, 503) are Danish and say where to go."""

from __future__ import annotations

import sqlite3

import pytest
import redis
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.test import Client, RequestFactory

from api.errors import api_exception_handler
from home.views import server_error


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (OperationalError("connection refused: db-secret-host"), 503),
        (InterfaceError("connection already closed: db-secret-host"), 503),
        (IntegrityError("duplicate key: db-secret-host"), 500),
        (DataError("time zone displacement out of range: db-secret-host"), 500),
        (ValueError("db-secret-host"), 500),
        # Redis (the cache, the throttle's counters, the broker): redis-py's own errors
        (redis.exceptions.ConnectionError("Error 111 connecting to db-secret-host"), 503),
        (redis.exceptions.TimeoutError("Timeout reading from db-secret-host"), 503),
        (redis.exceptions.ResponseError("WRONGTYPE db-secret-host"), 500),  # a bug, not an outage
        # a wrong password is a setting to fix, though redis-py calls it a connection error
        (redis.exceptions.AuthenticationError("WRONGPASS db-secret-host"), 500),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/events/", "/feeds/events.ics", "/tilmelding/x/"])
def test_only_an_unreachable_database_or_redis_is_a_503(exc, status, path):
    try:
        raise exc
    except Exception:
        response = server_error(RequestFactory().get(path))
    assert response.status_code == status
    assert b"db-secret-host" not in response.content
    assert response["Cache-Control"] == "no-store"
    assert response.has_header("Retry-After") == (status == 503)


@pytest.mark.parametrize("path", ["/feeds/events.ics", "/tilmelding/x/"])
def test_a_query_the_database_refused_is_a_500_outside_the_api_too(path):
    """SQLite reports a bad query and a locked file alike as OperationalError: only the
    second is an outage."""
    try:
        try:
            raise sqlite3.OperationalError("no such column: db-secret-column")
        except sqlite3.Error as cause:
            raise OperationalError(str(cause)) from cause
    except Exception:
        response = server_error(RequestFactory().get(path))
    assert response.status_code == 500
    assert b"db-secret-column" not in response.content
    assert not response.has_header("Retry-After")


def test_the_api_answers_503_for_an_unreachable_database_and_leaves_other_faults_to_500():
    response = api_exception_handler(OperationalError("down"), {})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.data["code"] == "service_unavailable"
    response = api_exception_handler(redis.exceptions.ConnectionError("down"), {})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert api_exception_handler(IntegrityError("dup"), {}) is None  # Django's 500 handler
    assert api_exception_handler(redis.exceptions.ResponseError("WRONGTYPE"), {}) is None


# --- the pages people land on ------------------------------------------------------------

ERROR_PAGES = [
    # (how it is reached, status, the page's heading)
    ("GET", "/findes/ikke/", 404, "Siden findes ikke"),
    ("GET", "/tilmelding/ukendt-token/", 404, "Siden findes ikke"),
    ("GET", "/fejl/403/", 403, "Du har ikke adgang til siden"),
    ("POST", "/tilmelding/ukendt-token/afmeld/", 403, "Formularen blev ikke sendt"),
    ("GET", "/fejl/400/", 400, "Forespørgslen kunne ikke forstås"),
    ("GET", "/fejl/500/", 500, "Der opstod en fejl på serveren"),
    ("GET", "/fejl/503/", 503, "Tjenesten er midlertidigt utilgængelig"),
]


@pytest.mark.urls("tests.home.error_urls")
@pytest.mark.parametrize(("method", "path", "status", "heading"), ERROR_PAGES)
def test_error_pages_are_danish_and_say_where_to_go(
    centre, settings, method, path, status, heading
):
    assert settings.DEBUG is False
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = getattr(client, method.lower())(path)
    content = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert content.startswith('<!DOCTYPE html>\n<html lang="da">')
    assert f"<h1>{heading}</h1>" in content
    assert f'<a href="{settings.CENTRE_WEBSITE}">Gå til videnscentrets hjemmeside</a>' in content
    for english in ("Not Found", "Server Error", "Forbidden", "Bad Request", "CSRF"):
        assert english not in content
    assert "db-secret-host" not in content
    assert response["Cache-Control"] == "no-store"
    assert response.has_header("Retry-After") == (status == 503)


@pytest.mark.urls("tests.home.error_urls")
def test_a_bad_host_header_gets_the_danish_400_page(centre):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="ikke en vært!")
    assert response.status_code == 400
    assert "<h1>Forespørgslen kunne ikke forstås</h1>" in response.content.decode()


@pytest.mark.urls("tests.home.error_urls")
def test_machines_still_get_json_and_text_from_the_500_handler(centre):
    client = Client(raise_request_exception=False)
    response = client.get("/fejl/503/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
