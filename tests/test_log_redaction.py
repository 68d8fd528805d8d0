"""The secret segment of a person's links never reaches the log: every route of the URLconf
that carries a token is covered by the logging filter, and the loggers that write request paths
(``django.request``, the CSRF check) write ``<skjult>`` in its place. The evaluation's own case
(a refused form, a 404, a 410) is in ``tests/events/test_evaluations.py``."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from cms.log_redaction import HIDDEN, token_paths_redact

SECRET = "Hemmelig-Token_123"
SECRET_PARAMETERS = {"token", "code"}


def _token_routes(patterns, namespaces: list[str]) -> Iterator[tuple[str, set[str]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespaces + [pattern.namespace] if pattern.namespace else namespaces
            yield from _token_routes(pattern.url_patterns, inner)
            continue
        parameters = set(getattr(pattern.pattern, "converters", {}))
        if parameters & SECRET_PARAMETERS and pattern.name:
            yield ":".join([*namespaces, pattern.name]), parameters


def token_routes() -> list[tuple[str, set[str]]]:
    return sorted(_token_routes(get_resolver().url_patterns, []))


def test_the_urlconf_has_the_token_routes_it_is_known_for():
    names = {name for name, _ in token_routes()}
    assert {
        "evaluations:answer",
        "registration:manage",
        "registration:member",
        "registration:manager_confirm",
        "feeds:registrant",
        "api:registration-detail",
        "checkin_scan:scan",
        "certificates:certificate",
        "verification:verify",
        "wagtailadmin_password_reset_confirm",
    } <= names


@pytest.mark.parametrize(("name", "parameters"), token_routes())
def test_every_token_route_is_hidden_in_a_log_line(name, parameters):
    kwargs = {key: SECRET if key in SECRET_PARAMETERS else "MQ" for key in parameters}
    path = reverse(name, kwargs=kwargs)
    line = token_paths_redact(f"Bad Request: {path}?x=1")
    assert SECRET not in line
    assert HIDDEN in line


@pytest.mark.parametrize(
    "path",
    ["/evaluering/tak/", "/api/v1/events/12/", "/feeds/events.ics", "/arrangementer/3/"],
)
def test_paths_without_a_secret_are_left_alone(path):
    assert token_paths_redact(f"Not Found: {path}") == f"Not Found: {path}"


def test_a_csrf_refusal_logs_the_path_without_its_token(db, caplog):
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/evaluering/{SECRET}/", {"q_samlet": "5"})
    assert response.status_code == 403
    assert "/evaluering/<skjult>/" in caplog.text
    assert SECRET not in caplog.text


def test_a_404_of_a_registrants_page_logs_no_token(db, client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    assert client.get(f"/tilmelding/{SECRET}/").status_code == 404
    assert client.get(f"/feeds/me/{SECRET}.ics").status_code == 404
    assert "/tilmelding/<skjult>/" in caplog.text and "/feeds/me/<skjult>" in caplog.text
    assert SECRET not in caplog.text


def test_the_request_budgets_slow_request_line_hides_the_token(caplog):
    caplog.set_level(logging.WARNING, logger="home.budget")
    logging.getLogger("home.budget").warning(
        "request over budget: %s %s took %.2f s",
        "GET",
        f"/evaluering/{SECRET}/",
        20.0,
        extra={"path": f"/evaluering/{SECRET}/"},
    )
    [record] = caplog.records
    assert SECRET not in caplog.text and SECRET not in record.path
    assert "GET /evaluering/<skjult>/ took 20.00 s" in caplog.text
