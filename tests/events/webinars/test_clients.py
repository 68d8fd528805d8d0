"""The Zoom and Graph clients against the local stand-ins: the documented requests and answers,
the token fetched once and cached, failures as one error type with the platform's message and
Retry-After, and no secret in any error."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from events.webinars.graph import GraphClient
from events.webinars.transport import PlatformError, retry_after_seconds
from events.webinars.zoom import (
    MeetingSpec,
    ZoomClient,
    zoom_url_validation,
    zoom_webhook_signature,
)
from tests.events.webinars.conftest import GRAPH_SECRET, ZOOM_SECRET

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def spec(**fields) -> MeetingSpec:
    values = {
        "topic": "Webinar om børneinddragelse",
        "start": START,
        "end": START + timedelta(hours=1, minutes=30),
        "marker": "6f1c0f43-session",
    }
    return MeetingSpec(**{**values, **fields})


# --- Zoom -------------------------------------------------------------------------------------


def test_zoom_create_update_delete_meeting(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    meeting = client.create_meeting(spec())
    stored = zoom_standin.meetings[meeting.id]
    assert stored["topic"] == "Webinar om børneinddragelse"
    assert stored["start_time"] == "2027-03-01T09:00:00Z"
    assert stored["duration"] == 90
    assert stored["settings"]["approval_type"] == 0
    assert stored["settings"]["registrants_email_notification"] is False
    assert meeting.join_url == stored["join_url"]

    client.update_meeting(meeting.id, spec(topic="Flyttet", start=START + timedelta(days=1)))
    assert stored["topic"] == "Flyttet"
    assert stored["start_time"] == "2027-03-02T09:00:00Z"

    client.delete_meeting(meeting.id)
    assert zoom_standin.live_meetings() == []
    client.delete_meeting(meeting.id)  # gone already: done, not an error


def test_zoom_webinar_uses_webinar_endpoints(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    meeting = client.create_meeting(spec(), webinar=True)
    assert zoom_standin.calls("POST /v2/users/me/webinars")
    assert zoom_standin.meetings[meeting.id]["type"] == 5
    client.delete_meeting(meeting.id, webinar=True)
    assert zoom_standin.calls(f"DELETE /v2/webinars/{meeting.id}")


def test_zoom_find_meeting_by_marker_across_pages(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    for n in range(3):
        client.create_meeting(spec(marker=f"other-{n}"))
    wanted = client.create_meeting(spec(marker="the-one"))
    found = client.find_meeting("the-one")
    assert found is not None and found.id == wanted.id
    assert client.find_meeting("nobody") is None


def test_zoom_agenda_starts_with_the_marker_and_a_long_teaser_follows(zoom_standin, zoom_account):
    teaser = "Samtaler med børn og unge i udsatte positioner. " * 40  # ~1,900 chars
    made = ZoomClient(zoom_account).create_meeting(spec(agenda=teaser))
    agenda = zoom_standin.meetings[made.id]["agenda"]
    assert agenda.startswith("[ref:6f1c0f43-session]\n\nSamtaler med børn")
    assert len(agenda) <= 2000


def test_zoom_find_meeting_confirms_a_candidate_by_its_full_agenda(zoom_standin, zoom_account):
    """The list shows 250 characters of each agenda; a meeting made with the marker after a
    long teaser (as before the marker moved first) is found by its topic and start, and only
    the one whose full agenda carries the marker is taken."""
    client = ZoomClient(zoom_account)
    teaser = "Et webinar om samtaler med børn og unge i udsatte positioner. " * 6
    same_slot = client.create_meeting(spec(marker="another-session"))
    old_layout = client.create_meeting(spec(marker="unused"))
    zoom_standin.meetings[old_layout.id]["agenda"] = f"{teaser}\n\n[ref:the-one]"
    assert (
        "[ref:the-one]"
        not in client._call("GET", client._url("/users/me/meetings"), params={"page_size": 300})[
            "meetings"
        ][1]["agenda"]
    )
    found = client.find_meeting("the-one", topic=spec().topic, start=START)
    assert found is not None and found.id == old_layout.id != same_slot.id
    assert found.join_url == zoom_standin.meetings[old_layout.id]["join_url"]
    assert zoom_standin.calls(f"GET /v2/meetings/{old_layout.id}")
    # Without topic or start, only a marker the list shows can be found.
    assert client.find_meeting("the-one") is None
    assert client.find_meeting("nobody", topic=spec().topic, start=START) is None


def test_zoom_token_fetched_once_and_cached(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    client.create_meeting(spec(marker="a"))
    ZoomClient(zoom_account).create_meeting(spec(marker="b"))
    assert zoom_standin.token_requests == 1
    token_call = zoom_standin.calls("POST /oauth/token")[0]
    assert token_call.query == {"grant_type": "account_credentials", "account_id": "acc-vive"}
    assert token_call.headers["Authorization"].startswith("Basic ")


def test_zoom_expired_token_is_fetched_again(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    client.create_meeting(spec(marker="a"))
    zoom_standin.expire_tokens()
    client.create_meeting(spec(marker="b"))
    assert zoom_standin.token_requests == 2
    assert len(zoom_standin.live_meetings()) == 2


def test_zoom_429_carries_retry_after_and_message(zoom_standin, zoom_account):
    zoom_standin.fail(429, match="POST /v2/users/me/meetings", retry_after=17)
    with pytest.raises(PlatformError) as caught:
        ZoomClient(zoom_account).create_meeting(spec())
    assert caught.value.status == 429
    assert caught.value.retry_after == 17
    assert caught.value.transient
    assert "Too many requests" in caught.value.message
    assert zoom_standin.live_meetings() == []


def test_zoom_500_is_transient_and_404_is_not(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    zoom_standin.fail(500, match="POST /v2/users/me/meetings")
    with pytest.raises(PlatformError) as caught:
        client.create_meeting(spec())
    assert caught.value.status == 500 and caught.value.transient
    with pytest.raises(PlatformError) as missing:
        client.update_meeting("81999999999", spec())
    assert missing.value.status == 404 and not missing.value.transient
    assert "Meeting does not exist" in missing.value.message


def test_zoom_wrong_secret_error_names_no_secret(zoom_standin, zoom_account, caplog):
    zoom_account.client_secret = "wrong-secret-value"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PlatformError) as caught:
        ZoomClient(zoom_account).create_meeting(spec())
    text = str(caught.value) + repr(caught.value) + caplog.text
    assert "Invalid client_id or client_secret" in text
    assert "wrong-secret-value" not in text and ZOOM_SECRET not in text
    assert "wrong-secret-value" not in repr(zoom_account) + str(zoom_account)


def test_zoom_unreachable_platform_is_transient(settings, zoom_account):
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"
    with pytest.raises(PlatformError) as caught:
        ZoomClient(zoom_account).create_meeting(spec())
    assert caught.value.status is None and caught.value.transient


def test_zoom_registrants_added_and_cancelled(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    meeting = client.create_meeting(spec())
    anna = client.add_registrant(meeting.id, email="anna@example.com", first_name="Anna")
    again = client.add_registrant(meeting.id, email="anna@example.com", first_name="Anna")
    bo = client.add_registrant(meeting.id, email="bo@example.com", first_name="Bo", last_name="B")
    assert anna.id == again.id and anna.join_url == again.join_url
    assert anna.join_url != bo.join_url and anna.join_url != meeting.join_url
    client.cancel_registrants(meeting.id, [(anna.id, "anna@example.com")])
    statuses = {p["email"]: p["status"] for p in zoom_standin.registrants[meeting.id].values()}
    assert statuses == {"anna@example.com": "cancelled", "bo@example.com": "approved"}
    body = zoom_standin.calls(f"PUT /v2/meetings/{meeting.id}/registrants/status")[0].json()
    assert body["action"] == "cancel"


def test_zoom_participants_report_follows_pages(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    meeting = client.create_meeting(spec())
    people = [{"name": f"P {n}", "user_email": f"p{n}@example.com"} for n in range(650)]
    zoom_standin.add_participants(meeting.id, people)
    seen = list(client.participants(meeting.id))
    assert [p.email for p in seen] == [p["user_email"] for p in people]
    assert len(zoom_standin.calls("/participants")) == 3
    assert seen[0].duration_seconds == 3600 and seen[0].join_time is not None


def test_zoom_recording(zoom_standin, zoom_account):
    client = ZoomClient(zoom_account)
    meeting = client.create_meeting(spec())
    assert client.recording(meeting.id) is None
    zoom_standin.add_recording(meeting.id, share_url="https://zoom.example/rec/share/x")
    recording = client.recording(meeting.id)
    assert recording is not None and recording.share_url == "https://zoom.example/rec/share/x"
    assert len(recording.files) == 1


def test_zoom_webhook_signature_and_url_validation(zoom_standin):
    headers, body = zoom_standin.signed_webhook(
        "s3cret", "meeting.participant_joined", {"object": {"id": "1"}}, timestamp="1700000000"
    )
    assert headers["x-zm-signature"] == zoom_webhook_signature("s3cret", "1700000000", body)
    assert zoom_webhook_signature("other", "1700000000", body) != headers["x-zm-signature"]
    answer = zoom_url_validation("s3cret", "qgg8vlvZRS6UYooatFL8Aw")
    assert answer["plainToken"] == "qgg8vlvZRS6UYooatFL8Aw"
    assert len(answer["encryptedToken"]) == 64


# --- Graph ------------------------------------------------------------------------------------


def test_graph_create_is_idempotent_by_marker(graph_standin, teams_account):
    client = GraphClient(teams_account)
    first = client.create_meeting(spec())
    second = client.create_meeting(spec())
    assert first == second
    assert len(graph_standin.live_meetings()) == 1
    stored = graph_standin.meetings[first.id]
    assert stored["externalId"] == "6f1c0f43-session"
    assert stored["startDateTime"] == "2027-03-01T09:00:00+00:00"
    assert first.join_url == stored["joinWebUrl"]


def test_graph_update_and_delete(graph_standin, teams_account):
    client = GraphClient(teams_account)
    meeting = client.create_meeting(spec())
    client.update_meeting(meeting.id, spec(topic="Ny titel"))
    assert graph_standin.meetings[meeting.id]["subject"] == "Ny titel"
    client.delete_meeting(meeting.id)
    client.delete_meeting(meeting.id)
    assert graph_standin.live_meetings() == []


def test_graph_token_request_and_cache(graph_standin, teams_account):
    client = GraphClient(teams_account)
    client.create_meeting(spec(marker="a"))
    GraphClient(teams_account).create_meeting(spec(marker="b"))
    assert graph_standin.token_requests == 1
    form = graph_standin.calls("/oauth2/v2.0/token")[0].form()
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "https://graph.microsoft.com/.default"


def test_graph_wrong_secret_error_is_the_platforms_without_the_secret(graph_standin, teams_account):
    teams_account.client_secret = "not-the-secret-42"
    with pytest.raises(PlatformError) as caught:
        GraphClient(teams_account).create_meeting(spec())
    assert "AADSTS7000215" in caught.value.message
    assert "not-the-secret-42" not in str(caught.value) and GRAPH_SECRET not in str(caught.value)


def test_graph_429_retry_after_http_date(graph_standin, teams_account):
    graph_standin.fail(429, match="createOrGet", retry_after="Wed, 21 Oct 2099 07:28:00 GMT")
    with pytest.raises(PlatformError) as caught:
        GraphClient(teams_account).create_meeting(spec())
    assert caught.value.status == 429 and caught.value.retry_after > 10**8


def test_graph_attendance_records_follow_next_links(graph_standin, teams_account):
    client = GraphClient(teams_account)
    meeting = client.create_meeting(spec())
    graph_standin.add_attendance(
        meeting.id,
        [{"emailAddress": f"a{n}@example.com", "displayName": f"A {n}"} for n in range(5)],
    )
    graph_standin.add_attendance(meeting.id, [{"emailAddress": "late@example.com"}])
    graph_standin.add_attendance(meeting.id, [])
    records = list(client.attendance_records(meeting.id))
    assert [r.email for r in records] == [f"a{n}@example.com" for n in range(5)] + [
        "late@example.com"
    ]
    assert records[0].name == "A 0" and records[0].seconds == 3600


def test_graph_next_link_to_another_host_is_refused_without_sending_the_token(
    graph_standin, zoom_standin, teams_account
):
    client = GraphClient(teams_account)
    meeting = client.create_meeting(spec())
    for n in range(3):
        graph_standin.add_attendance(meeting.id, [{"emailAddress": f"a{n}@example.com"}])
    real_page = graph_standin._page

    def page_pointing_elsewhere(request, rows):
        status, body, headers = real_page(request, rows)
        if "@odata.nextLink" in body:
            body["@odata.nextLink"] = body["@odata.nextLink"].replace(
                graph_standin.url, zoom_standin.url
            )
        return status, body, headers

    graph_standin._page = page_pointing_elsewhere
    with pytest.raises(PlatformError) as caught:
        list(client.attendance_records(meeting.id))
    assert "nextLink" in caught.value.message and not caught.value.transient
    assert zoom_standin.requests == []


def test_retry_after_parsing():
    assert retry_after_seconds("5") == 5
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
