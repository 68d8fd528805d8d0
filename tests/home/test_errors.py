"""Server errors: only a database that cannot be reached is a 503; other faults stay 500s (so
tests catch them), and neither tells the client anything of the fault."""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory

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
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/events/", "/feeds/events.ics", "/tilmelding/x/"])
def test_only_an_unreachable_database_is_a_503(exc, status, path):
    try:
        raise exc
    except Exception:
        response = server_error(RequestFactory().get(path))
    assert response.status_code == status
    assert b"db-secret-host" not in response.content
    assert response["Cache-Control"] == "no-store"
    assert response.has_header("Retry-After") == (status == 503)


def test_the_api_answers_503_for_an_unreachable_database_and_leaves_other_faults_to_500():
    response = api_exception_handler(OperationalError("down"), {})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert api_exception_handler(IntegrityError("dup"), {}) is None  # Django's 500 handler
