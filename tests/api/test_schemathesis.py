"""Property-based tries of every API endpoint against its own OpenAPI schema (schemathesis):
no server error, and every answer, errors included, as the schema describes it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from home.demo import demo_seed

# CI runs a short pass; SCHEMATHESIS_EXAMPLES=300 for a long one.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def api_schema(db, centre, settings):
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
