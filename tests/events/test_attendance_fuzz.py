"""Hostile input to the check-in's parameters: a 4xx that names the parameter, never a 500,
and nothing recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from events.courses.tokens import checkin_token
from events.models import SessionAttendance
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "r",
            "r-1",
            "r99999999999999999999999",
            "m0",
            "r1 OR 1=1",
            "present\x00",
            "PRESENT",
            "ｒ１",
            "r²",
            "%",
            "'; DROP TABLE events_registration; --",
            "🙂" * 50,
        ]
    ),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def setting(event_of, vive, vive_moderator, client):
    event = event_of(
        vive,
        title="Netværksmøde",
        event_type="workshop",
        format="physical",
        venue_name="Aarhus Rådhus",
        venue_city="Aarhus",
        capacity=10,
    )
    registration = sign_up(event, name="Jørgen Ålund").registration
    # The session is under way (it was ahead when they signed up).
    now = timezone.now()
    event.sessions.update(start=now - timedelta(minutes=30), end=now + timedelta(hours=2))
    client.force_login(vive_moderator)
    return event.sessions.get(), registration


@FUZZ
@given(query=HOSTILE)
def test_search_never_fails(client, setting, query):
    session, _registration = setting
    response = client.get(reverse("checkin:session", args=[session.pk]), {"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Søgning (q)" in response.content.decode()


@FUZZ
@given(person=HOSTILE, status=HOSTILE, query=HOSTILE)
def test_a_tap_with_hostile_fields_is_refused_and_records_nothing(
    client, setting, person, status, query
):
    session, _registration = setting
    response = client.post(
        reverse("checkin:session", args=[session.pk]),
        {"person": person, "status": status, "q": query},
    )
    body = response.content.decode()
    assert 400 <= response.status_code < 500
    assert any(name in body for name in ("(person)", "(status)", "(q)"))
    assert not SessionAttendance.objects.exists()


@FUZZ
@given(session=HOSTILE)
def test_a_scan_with_a_hostile_session_is_refused(client, setting, session):
    _session, registration = setting
    # The session's own id is no hostile value: st.text() drew "1" on a fresh database, where
    # the session's id is 1, and the scan was rightly recorded (CI, twelfth session).
    assume(session != str(_session.pk))
    url = reverse("checkin_scan:scan", args=[checkin_token(registration=registration)])
    response = client.post(url, {"session": session})
    assert response.status_code == 400
    assert "Session:" in response.content.decode()
    assert not SessionAttendance.objects.exists()


@FUZZ
@given(token=st.text(min_size=1, max_size=300).filter(lambda t: "/" not in t))
def test_hostile_tokens_and_session_ids_are_404s(client, setting, token):
    for url in (
        reverse("checkin_scan:scan", args=[token]),
        reverse("checkin_scan:qr", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Jørgen" not in response.content.decode(errors="replace")


@pytest.mark.parametrize("session_id", ["0", "99999999999999999999", "9223372036854775808"])
def test_session_ids_out_of_range_are_404s(client, setting, session_id):
    for suffix in ("", "deltagerliste.pdf"):
        response = client.get(f"/admin/checkin/{session_id}/{suffix}")
        assert response.status_code == 404
