"""The OpenAPI schema: valid, warning-free, and every answer (errors too) described."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(tmp_path) -> dict:
    target = tmp_path / "schema.yaml"
    # --fail-on-warn: any warning of drf-spectacular fails the test (and CI).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_schema_is_valid_openapi_3_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    assert "/api/v1/events/" in schema["paths"]
    assert "/api/v1/events/{id}/" in schema["paths"]


def test_every_operation_describes_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            if method == "get" and "{" in path:
                assert "404" in responses, (method, path)
            if method == "get" and any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "400" in responses, (method, path)


def test_event_filters_are_documented_with_their_choices(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    for name in (
        "partner",
        "type",
        "topic",
        "audience",
        "format",
        "status",
        "starts_after",
        "starts_before",
        "ends_after",
        "q",
        "modified_since",
        "page",
        "page_size",
        "ordering",
    ):
        assert name in parameters, name
    assert set(parameters["type"]["schema"]["items"]["enum"]) >= {"webinar", "conference"}
    # "" too: an empty part of a list (format=online,) is skipped, and the schema says so
    assert set(parameters["format"]["schema"]["items"]["enum"]) == {
        "online",
        "physical",
        "hybrid",
        "",
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/schema/", "/api/v1/schema/docs/", "/api/v1/schema/redoc/"]
)
def test_schema_and_interactive_docs_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200


def test_schema_passes_openapi_spec_validator(schema):
    """A second, stricter validator than drf-spectacular's own: it checks every default and
    example against its schema (the default '' on an email field failed it)."""
    from openapi_spec_validator import validate

    validate(schema)


def test_schema_states_what_the_api_refuses(schema):
    components = schema["components"]["schemas"]
    events = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert events["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert events["page"]["schema"]["minimum"] == 1
    detail = schema["paths"]["/api/v1/events/{id}/"]["get"]["parameters"]
    (id_param,) = [p for p in detail if p["name"] == "id"]
    assert id_param["schema"]["maximum"] == 2**31 - 1 and id_param["schema"]["minimum"] == 1
    sign_up = components["RegistrationCreate"]
    assert "consent" in sign_up["required"]
    consent = sign_up["properties"]["consent"]
    ref = consent.get("$ref") or consent["allOf"][0]["$ref"]
    assert components[ref.rsplit("/", 1)[-1]] == {"type": "boolean", "enum": [True]}
    assert sign_up["properties"]["name"]["maxLength"] == 200
    assert sign_up["properties"]["participants"]["minimum"] == 1
    assert sign_up["properties"]["participants"]["maximum"] == 1000
    manager_email = sign_up["properties"]["manager_email"]
    assert manager_email["default"] == ""
    assert {"type": "string", "maxLength": 0} in manager_email["oneOf"]
