"""Property-based tries of every API endpoint against its own OpenAPI schema (schemathesis):
no server error, and every answer, errors included, as the schema describes it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from home.demo import demo_seed

# CI runs a short pass; SCHEMATHESIS_EXAMPLES=300 for a long one.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def keep_test_connection():
    """The WSGI app is called directly, not through Django's test client, so its request
    signals would close the test's connection, which is inside the test's transaction (on
    PostgreSQL that ends the test). Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, centre, settings, keep_test_connection):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "100000/minute"},
    }
    demo_seed()
    from cms.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def test_every_endpoint_answers_as_its_schema_says(api_schema):
    tried = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tried.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            # Every check but "schema-valid data is accepted": a page past the end is a
            # schema-valid number that the API answers with its documented 400.
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        check()
    assert "POST /api/v1/events/{id}/registrations/" in tried
    assert len(tried) >= 15
