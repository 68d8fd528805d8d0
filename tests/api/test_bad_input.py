"""Bad input tried: garbage and oversized queries, header injection, script in text fields.
Every answer is a clear 4xx or the input comes out safely escaped; never a server error."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core import mail

from events.models import OutboundEmail, Registration
from events.tasks import email_deliver
from tests.events.registrations import vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, title="Webinar", capacity=10)


def sign_up(api, event_id, **fields):
    data = {
        "name": "Anna Andersen",
        "email": "anna@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
        **fields,
    }
    return api.post(
        f"/api/v1/events/{event_id}/registrations/",
        data=json.dumps(data),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "query",
    [
        "type=" + "x" * 20_000,
        "partner=" + ",".join(["vive"] * 2_000),
        "q=" + "ø" * 5_000,
        "starts_after=%00%01%02",
        "starts_before=9999999999-01-01",
        "format=online&format=%ff%fe",
        "status=" + "%0d%0a" * 100,
        "page=-1",
        "ordering=;DROP TABLE",
    ],
)
@pytest.mark.parametrize("base", ["/feeds/events.ics", "/api/v1/events/"])
def test_garbage_and_oversized_queries_are_answered_never_a_server_error(api, webinar, base, query):
    response = api.get(f"{base}?{query}")
    assert response.status_code in (200, 400), (base, query[:40], response.status_code)
    if response.status_code == 400 and base.startswith("/feeds"):
        assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "moment",
    [
        "3492-05-09T10:01:05%2B23:57",  # an offset Python takes and PostgreSQL refuses
        "2026-12-01T00:00:00-23:59",
        "9999-12-31T23:00:00-05:00",  # past year 9999 in UTC
        "0001-01-01T00:30:00%2B01:00",  # before year 1 in UTC
        "9999-12-31",
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/?starts_after=",
        "/api/v1/events/?modified_since=",
        "/api/v1/changes/?since=",
        "/feeds/events.ics?starts_before=",
    ],
)
def test_moments_at_the_edges_of_the_calendar_are_a_400_or_an_answer(api, webinar, path, moment):
    response = api.get(path + moment)
    assert response.status_code in (200, 400), (path, moment, response.status_code)


@pytest.mark.parametrize(
    "email",
    [
        "anna@kommune.example\r\nBcc: spam@evil.example",
        "anna@kommune.example\nSubject: overtaget",
        "anna@kommune.example, spam@evil.example",
    ],
)
def test_header_injection_in_the_email_is_a_400(api, webinar, email):
    response = sign_up(api, webinar.pk, email=email)
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert not Registration.objects.exists()


def test_newlines_in_a_name_cannot_add_mail_headers(api, webinar):
    response = sign_up(api, webinar.pk, name="Anna\r\nBcc: spam@evil.example")
    assert response.status_code in (201, 400)
    for pk in OutboundEmail.objects.values_list("pk", flat=True):
        email_deliver(pk)
    for message in mail.outbox:
        assert message.bcc == []
        assert (
            "spam@evil.example" not in message.message()["Bcc"]
            if message.message()["Bcc"]
            else True
        )
        assert message.to == ["anna@kommune.example"]


def test_script_in_text_fields_comes_out_escaped(api, webinar, client):
    script = "<script>alert('x')</script>"
    response = sign_up(api, webinar.pk, name=script, workplace=script)
    assert response.status_code == 201
    registration = Registration.objects.get()
    page = client.get(urlsplit(registration.manage_url()).path)
    assert page.status_code == 200
    assert script not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
    for pk in OutboundEmail.objects.values_list("pk", flat=True):
        email_deliver(pk)
    html, _ = mail.outbox[0].alternatives[0]
    assert script not in html
