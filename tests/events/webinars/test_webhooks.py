"""Zoom's webhook: signed requests only (good, bad, old, missing), the URL validation
challenge, a participant who joined marked present live (never over a manual record, and the
report after the session decides); anything malformed a 4xx, never a 500, never a secret."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.courses.services import attendance_set
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    MeetingRegistrant,
    SessionAttendance,
    SessionMeeting,
)
from events.webinars.zoom import zoom_url_validation
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.webinars.conftest import ZOOM_SECRET, ZOOM_WEBHOOK_SECRET

pytestmark = pytest.mark.usefixtures("vocabulary")
URL = "/webhooks/zoom/"


def post(client, headers, body):
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


@pytest.fixture
def live_webinar(event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks):
    start = timezone.now() - timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        return event_of(
            vive,
            webinar_platform="zoom_meeting",
            join_url="",
            sessions=[{"start": start, "end": start + timedelta(hours=1)}],
            registration_closes=None,
        )


def joined(standin, meeting, **participant):
    return standin.signed_webhook(
        ZOOM_WEBHOOK_SECRET,
        "meeting.participant_joined",
        {
            "account_id": "acc-vive",
            "object": {
                "id": int(meeting.external_id),
                "uuid": "abc==",
                "topic": "Webinar",
                "participant": {
                    "user_id": "16778240",
                    "user_name": "Anna",
                    "join_time": "2026-01-01T09:00:00Z",
                    **participant,
                },
            },
        },
    )


def test_url_validation_answers_the_challenge(client, zoom_standin, zoom_account, caplog):
    caplog.set_level(logging.DEBUG)
    headers, body = zoom_standin.signed_webhook(
        ZOOM_WEBHOOK_SECRET, "endpoint.url_validation", {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}
    )
    answer = post(client, headers, body)
    assert answer.status_code == 200
    assert answer.json() == zoom_url_validation(ZOOM_WEBHOOK_SECRET, "qgg8vlvZRS6UYooatFL8Aw")
    assert len(answer.json()["encryptedToken"]) == 64
    for secret in (ZOOM_WEBHOOK_SECRET, ZOOM_SECRET):
        assert secret not in answer.content.decode() and secret not in caplog.text


def test_participant_joined_marks_present_live_by_registrant_id(
    client, live_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    with freeze_time(timezone.now() - timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            registration = sign_up(live_webinar, email="anna@kommune.example").registration
    meeting = SessionMeeting.objects.get(event=live_webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    headers, body = joined(zoom_standin, meeting, registrant_id=row.registrant_id, email="")
    answer = post(client, headers, body)
    assert answer.status_code == 200 and answer.json() == {"status": "recorded"}
    record = SessionAttendance.objects.get(registration=registration)
    assert (record.status, record.source) == (AttendanceStatus.PRESENT, AttendanceSource.WEBHOOK)
    # Zoom sends again: nothing new.
    assert post(client, headers, body).json() == {"status": "ignored"}


def test_participant_joined_never_overwrites_a_manual_record(
    client, live_webinar, zoom_standin, django_capture_on_commit_callbacks, vive_moderator
):
    with freeze_time(timezone.now() - timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            registration = sign_up(live_webinar, email="bo@kommune.example").registration
    attendance_set(
        session=live_webinar.sessions.get(),
        registration=registration,
        status=AttendanceStatus.EXCUSED,
        by=vive_moderator,
    )
    meeting = SessionMeeting.objects.get(event=live_webinar)
    headers, body = joined(zoom_standin, meeting, email="BO@kommune.example")
    assert post(client, headers, body).json() == {"status": "ignored"}
    record = SessionAttendance.objects.get(registration=registration)
    assert (record.status, record.source) == (AttendanceStatus.EXCUSED, AttendanceSource.MANUAL)


def test_bad_old_and_missing_signatures_are_refused(
    client, live_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    meeting = SessionMeeting.objects.get(event=live_webinar)
    headers, body = joined(zoom_standin, meeting, email="x@kommune.example")
    wrong = {**headers, "x-zm-signature": "v0=" + "0" * 64}
    assert post(client, wrong, body).status_code == 401
    other_secret, _ = zoom_standin.signed_webhook("not-the-secret", "endpoint.url_validation", {})
    assert post(client, {**headers, **other_secret}, body).status_code == 401
    tampered = body.replace(b"x@kommune", b"y@kommune")
    assert post(client, headers, tampered).status_code == 401
    old_headers, old_body = zoom_standin.signed_webhook(
        ZOOM_WEBHOOK_SECRET,
        "endpoint.url_validation",
        {"plainToken": "abc"},
        timestamp=str(int(time.time()) - 3600),
    )
    answer = post(client, old_headers, old_body)
    assert answer.status_code == 401 and "x-zm-request-timestamp" in answer.json()["detail"]
    missing = {k: v for k, v in headers.items() if k != "x-zm-signature"}
    answer = post(client, missing, body)
    assert answer.status_code == 401 and "x-zm-signature" in answer.json()["detail"]
    assert client.get(URL).status_code == 405
    assert not SessionAttendance.objects.exists()


def test_validation_without_plain_token_is_a_400(client, zoom_standin, zoom_account):
    headers, body = zoom_standin.signed_webhook(
        ZOOM_WEBHOOK_SECRET, "endpoint.url_validation", {"plainToken": 42}
    )
    answer = post(client, headers, body)
    assert answer.status_code == 400 and "plainToken" in answer.json()["detail"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.binary(max_size=200),
    shaped=st.dictionaries(
        st.sampled_from(["event", "payload", "event_ts", "x"]), json_values, max_size=4
    ),
    signed=st.booleans(),
)
def test_fuzzed_bodies_are_4xx_or_harmless_never_500(
    client, zoom_standin, zoom_account, raw, shaped, signed
):
    for body in (raw, json.dumps(shaped).encode()):
        ts = str(int(time.time()))
        headers = {"x-zm-request-timestamp": ts, "x-zm-signature": "v0=bad"}
        if signed:
            from events.webinars.zoom import zoom_webhook_signature

            try:
                headers["x-zm-signature"] = zoom_webhook_signature(ZOOM_WEBHOOK_SECRET, ts, body)
            except UnicodeDecodeError:
                pass
        answer = client.post(URL, data=body, content_type="application/json", headers=headers)
        assert answer.status_code < 500
        if answer.status_code == 200:
            assert answer.json().get("status") in {"ignored", "recorded"} or (
                "encryptedToken" in answer.json()
            )
        assert ZOOM_WEBHOOK_SECRET not in answer.content.decode()


def test_json_not_in_utf8_is_a_400(client, zoom_standin, zoom_account):
    body = json.dumps({"event": "endpoint.url_validation", "payload": {}}).encode("utf-16")
    headers = {"x-zm-request-timestamp": str(int(time.time())), "x-zm-signature": "v0=x"}
    answer = client.post(URL, data=body, content_type="application/json", headers=headers)
    assert answer.status_code == 400 and "UTF-8" in answer.json()["detail"]


@pytest.mark.parametrize("timestamp", ["\u00b2", "\u0661\u0662", "12.5", "-1", "1" * 13, " 1"])
def test_a_timestamp_not_in_ascii_digits_is_a_400_naming_the_header(
    client, zoom_standin, zoom_account, timestamp
):
    # "²".isdigit() is True but int("²") raised: a 500 for anyone without a login.
    headers = {"x-zm-request-timestamp": timestamp, "x-zm-signature": "v0=x"}
    answer = client.post(URL, data=b"{}", content_type="application/json", headers=headers)
    assert answer.status_code == 400
    assert "x-zm-request-timestamp" in answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 50_000,  # json.loads raises RecursionError, not ValueError
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b"\x00",
        b'{"event": "x\x00", "payload": {}}',
        b"\xff\xfe\xfd",
        b'{"event": "endpoint.url_validation", "payload": {"account_id": "\xc3"}}',
        b"9" * 5_000,
        b'{"event": 1e999, "payload": {}}',
        b'{"event": "meeting.participant_joined", "payload": {"account_id": 12345678901234567890}}',
        b'{"event": "meeting.participant_joined", "payload": []}',
        b'{"event": ["x"], "payload": {}}',
        b"[]",
        b'"just a string"',
    ],
)
def test_hostile_bodies_are_a_4xx_or_ignored_never_a_500(client, zoom_standin, zoom_account, body):
    ts = str(int(time.time()))
    for signature in ("v0=x", None):
        if signature is None:
            try:
                from events.webinars.zoom import zoom_webhook_signature

                signature = zoom_webhook_signature(ZOOM_WEBHOOK_SECRET, ts, body)
            except UnicodeDecodeError:
                continue
        headers = {"x-zm-request-timestamp": ts, "x-zm-signature": signature}
        answer = client.post(URL, data=body, content_type="application/json", headers=headers)
        if answer.status_code == 200:  # signed, well-formed but meaningless: harmless
            assert answer.json() == {"status": "ignored"}
            continue
        assert answer.status_code in (400, 401), body[:40]
        assert answer.json()["detail"]
