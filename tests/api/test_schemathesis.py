"""Property-based tries of every API endpoint against its own OpenAPI schema (schemathesis):
no server error, and every answer, errors included, as the schema describes it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from events.demo import demo_seed

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


# Every check schemathesis has for one request and its answer, named, so a new default cannot
# slip in or out unnoticed. Left out: ``positive_data_acceptance`` (a schema-valid slug that
# names no partner, or a page past the end, is the API's documented 400, not a 2xx) and the
# stateful ones (use_after_free, ensure_resource_availability: nothing here is created and then
# read back through links) and the auth ones (the API is anonymous).
ALL_CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.missing_required_header,
    checks.unsupported_method,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_endpoint_answers_as_its_schema_says(api_schema, mode):
    """Positive: schema-valid requests get the answers the schema describes. Negative: what the
    schema says is invalid (over a maximum, under a minimum, too long, consent false, a missing
    required field) is refused with a documented 4xx, never accepted."""
    tried, negated = [], []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tried.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            # A body over 64 KiB is refused before it is read, with the documented 413 (a
            # question's answers can add up to that); schemathesis counts only other 4xx as a
            # refusal, so for a 413 the rest of the checks still run, that one does not.
            refused_unread = response.status_code == 413
            case.validate_response(
                response,
                checks=[
                    c
                    for c in ALL_CHECKS
                    if not (refused_unread and c is checks.negative_data_rejection)
                ],
            )

        try:
            check()
        except Unsatisfiable:
            # An operation without parameters or body (``/api/v1/partners/``) has nothing a
            # negative case could break.
            assert mode is GenerationMode.NEGATIVE, tried[-1]
        else:
            negated.append(tried[-1])
    assert "POST /api/v1/events/{id}/registrations/" in tried
    for operation in ("GET /api/v1/events/", "POST /api/v1/events/{id}/registrations/"):
        assert operation in negated, operation
    assert len(tried) >= 15
