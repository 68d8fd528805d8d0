"""The webinar admin: accounts set up by the partner's moderators and the coordinators, secrets
write-only; each session's meeting state with "Prøv igen"; another partner's people see none of
it; bad input is a 4xx, never a 500."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from events.models import MeetingState, SessionMeeting, WebinarAccount
from tests.events.webinars.conftest import ZOOM_SECRET, ZOOM_WEBHOOK_SECRET

ADD = "webinar_accounts:add"


def zoom_form(partner, /, **overrides) -> dict:
    data = {
        "partner": str(partner.pk),
        "platform": "zoom",
        "account_id": "acc-vive",
        "tenant_id": "",
        "client_id": "zoom-client",
        "organizer": "",
        "client_secret": ZOOM_SECRET,
        "webhook_secret": ZOOM_WEBHOOK_SECRET,
    }
    return {**data, **overrides}


def test_moderator_creates_account_and_secrets_never_come_back(client, vive, vive_moderator):
    client.force_login(vive_moderator)
    answer = client.post(reverse(ADD), zoom_form(vive))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    account = WebinarAccount.objects.get(partner=vive)
    assert account.client_secret == ZOOM_SECRET
    assert account.webhook_secret == ZOOM_WEBHOOK_SECRET
    for url in (
        reverse("webinar_accounts:index"),
        reverse("webinar_accounts:edit", args=[account.pk]),
    ):
        html = client.get(url).content.decode()
        assert "zoom-client" in html
        assert ZOOM_SECRET not in html and ZOOM_WEBHOOK_SECRET not in html
        assert account.client_secret_encrypted not in html
    logged_rows = ModelLogEntry.objects.values("label", "data")

    logged = json.dumps(list(logged_rows), default=str)
    assert "zoom" in logged.lower()
    assert ZOOM_SECRET not in logged and ZOOM_WEBHOOK_SECRET not in logged


def test_blank_secret_keeps_the_stored_one(client, vive_moderator, zoom_account, vive):
    client.force_login(vive_moderator)
    answer = client.post(
        reverse("webinar_accounts:edit", args=[zoom_account.pk]),
        zoom_form(vive, client_id="new-client", client_secret="", webhook_secret=""),
    )
    assert answer.status_code == 302
    zoom_account.refresh_from_db()
    assert zoom_account.client_id == "new-client"
    assert zoom_account.client_secret == ZOOM_SECRET


def test_editing_keeps_the_accounts_partner_and_platform(
    client, vive_moderator, coordinator, zoom_account, vive, bv
):
    """Partner and platform are read-only on edit: a posted other platform or partner changes
    the account edited, and makes no second account without a secret."""
    client.force_login(coordinator)
    url = reverse("webinar_accounts:edit", args=[zoom_account.pk])
    html = client.get(url).content.decode()
    assert '<select name="partner" required disabled' in html
    assert '<select name="platform" required disabled' in html
    answer = client.post(
        url,
        zoom_form(
            bv,
            platform="teams",
            tenant_id="tenant-vive",
            organizer="org@vive.example",
            client_id="zoom-client-2",
            client_secret="",
            webhook_secret="",
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    [account] = WebinarAccount.objects.all()
    assert account.pk == zoom_account.pk
    assert (account.partner, account.platform) == (vive, "zoom")
    assert account.client_id == "zoom-client-2" and account.client_secret == ZOOM_SECRET


def test_adding_a_second_account_on_the_same_platform_is_a_form_error(
    client, vive_moderator, zoom_account, vive
):
    client.force_login(vive_moderator)
    answer = client.post(
        reverse(ADD), zoom_form(vive, client_id="other-client", client_secret="other-secret")
    )
    assert answer.status_code == 200
    assert "har allerede en konto på Zoom" in answer.content.decode()
    [account] = WebinarAccount.objects.all()
    assert account.client_id == "zoom-client" and account.client_secret == ZOOM_SECRET


def test_a_form_error_does_not_echo_the_secret(client, vive_moderator, vive):
    client.force_login(vive_moderator)
    answer = client.post(reverse(ADD), zoom_form(vive, account_id=""))
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Account ID: skal udfyldes." in html
    assert ZOOM_SECRET not in html and ZOOM_WEBHOOK_SECRET not in html
    assert not WebinarAccount.objects.exists()


def test_moderator_cannot_create_another_partners_account(client, bv, vive_moderator):
    client.force_login(vive_moderator)
    answer = client.post(reverse(ADD), zoom_form(bv))
    assert answer.status_code == 200
    assert not WebinarAccount.objects.exists()


@pytest.mark.parametrize("who", ["bv_editor", "bv_moderator", "vive_editor"])
def test_others_see_no_account(client, request, who, zoom_account):
    client.force_login(request.getfixturevalue(who))
    index = client.get(reverse("webinar_accounts:index"))
    assert "zoom-client" not in index.content.decode()
    edit = client.get(reverse("webinar_accounts:edit", args=[zoom_account.pk]))
    assert edit.status_code in (302, 403, 404)
    assert "zoom-client" not in edit.content.decode()
    post = client.post(
        reverse("webinar_accounts:edit", args=[zoom_account.pk]),
        zoom_form(zoom_account.partner, client_id="hijacked"),
    )
    assert post.status_code in (302, 403, 404)
    zoom_account.refresh_from_db()
    assert zoom_account.client_id == "zoom-client"


def test_coordinator_sees_every_account(client, coordinator, zoom_account, teams_account):
    client.force_login(coordinator)
    html = client.get(reverse("webinar_accounts:index")).content.decode()
    assert "zoom-client" in html and "graph-client" in html


@pytest.mark.parametrize(
    "overrides",
    [
        {"partner": "x"},
        {"partner": "99999999999999999999999"},
        {"platform": "skype"},
        {"client_id": "a" * 5000},
        {"client_secret": "s" * 5000},
        {"client_id": "bad\x00id"},
        {"account_id": "a/../b"},
        {"platform": "teams"},
        {"client_id": ""},
    ],
)
def test_fuzzed_account_form_is_refused_without_a_500(client, vive, vive_moderator, overrides):
    client.force_login(vive_moderator)
    answer = client.post(reverse(ADD), zoom_form(vive, **overrides))
    assert answer.status_code in (200, 400)
    assert not WebinarAccount.objects.exists()


# --- meetings ---------------------------------------------------------------------------------


@pytest.fixture
def failed_meeting(event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks):
    zoom_standin.fail(400, match="POST /v2/users/me/meetings", message="Invalid topic for Zoom.")
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, title="Webinar om netværk", webinar_platform="zoom_meeting")
    meeting = SessionMeeting.objects.get(event=event)
    assert meeting.state == MeetingState.FAILED
    return event, meeting


def test_event_meetings_page_shows_state_error_and_retry(
    client, vive_editor, failed_meeting, zoom_standin, django_capture_on_commit_callbacks
):
    event, meeting = failed_meeting
    client.force_login(vive_editor)
    html = client.get(reverse("webinar_meetings:event", args=[event.pk])).content.decode()
    assert "Fejlet" in html and "Invalid topic for Zoom." in html and "Prøv igen" in html
    index = client.get(reverse("webinar_meetings:index")).content.decode()
    assert "Webinar om netværk" in index
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("webinar_meetings:retry", args=[event.pk]), {"meeting": meeting.pk}
        )
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    html = client.get(reverse("webinar_meetings:event", args=[event.pk])).content.decode()
    assert "Oprettet" in html and meeting.external_id in html


@pytest.mark.parametrize("who", ["bv_editor", "bv_moderator"])
def test_other_partner_sees_no_meeting(client, request, who, failed_meeting):
    event, meeting = failed_meeting
    client.force_login(request.getfixturevalue(who))
    index = client.get(reverse("webinar_meetings:index"))
    assert "Webinar om netværk" not in index.content.decode()
    page = client.get(reverse("webinar_meetings:event", args=[event.pk]))
    assert page.status_code == 404
    assert "Invalid topic" not in page.content.decode()
    retry = client.post(reverse("webinar_meetings:retry", args=[event.pk]), {"meeting": meeting.pk})
    assert retry.status_code == 404
    meeting.refresh_from_db()
    assert meeting.operations.get().attempts == 1


@pytest.mark.parametrize(
    "data",
    [{}, {"meeting": "x"}, {"meeting": ["1", "2"]}, {"meeting": "9" * 40}, {"meeting": "-1"}],
)
def test_fuzzed_retry_is_a_4xx(client, vive_editor, failed_meeting, data):
    event, _ = failed_meeting
    client.force_login(vive_editor)
    answer = client.post(reverse("webinar_meetings:retry", args=[event.pk]), data)
    assert 400 <= answer.status_code < 500


def test_retry_of_another_events_meeting_is_a_404(
    client, vive_editor, failed_meeting, event_of, vive
):
    _, meeting = failed_meeting
    other = event_of(vive, title="Andet")
    client.force_login(vive_editor)
    answer = client.post(
        reverse("webinar_meetings:retry", args=[other.pk]), {"meeting": meeting.pk}
    )
    assert answer.status_code == 404


def test_retry_needs_post_and_csrf(failed_meeting, vive_editor):
    from django.test import Client

    event, meeting = failed_meeting
    client = Client(enforce_csrf_checks=True)
    client.force_login(vive_editor)
    assert client.get(reverse("webinar_meetings:retry", args=[event.pk])).status_code == 405
    answer = client.post(
        reverse("webinar_meetings:retry", args=[event.pk]), {"meeting": meeting.pk}
    )
    assert answer.status_code == 403


def test_huge_event_id_is_a_404(client, vive_editor, centre):
    client.force_login(vive_editor)
    assert client.get(f"/admin/webinarmoeder/{'9' * 30}/").status_code == 404


def test_no_secret_in_logs_when_the_platform_refuses(
    event_of, vive, zoom_standin, zoom_account, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    zoom_standin.fail(500, match="POST /v2/users/me/meetings")
    with django_capture_on_commit_callbacks(execute=True):
        event_of(vive, webinar_platform="zoom_meeting")
    assert "HTTP 500" in caplog.text
    assert ZOOM_SECRET not in caplog.text and ZOOM_WEBHOOK_SECRET not in caplog.text
    for token in zoom_standin.tokens:
        assert token not in caplog.text


def test_menu_shows_accounts_to_moderators_and_meetings_to_editors(
    client, vive_moderator, vive_editor
):
    client.force_login(vive_moderator)
    html = client.get("/admin/").content.decode()
    assert "/admin/webinarkonti/" in html and "/admin/webinarmoeder/" in html
    client.force_login(vive_editor)
    html = client.get("/admin/").content.decode()
    assert "/admin/webinarkonti/" not in html and "/admin/webinarmoeder/" in html


def test_event_header_menu_links_to_its_meetings(client, vive_editor, failed_meeting):
    event, _ = failed_meeting
    client.force_login(vive_editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert reverse("webinar_meetings:event", args=[event.pk]) in html
