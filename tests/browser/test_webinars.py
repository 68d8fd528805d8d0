"""A VIVE moderator sets up the Zoom account in the admin (the secret never shown again), then an
editor sees a session's meeting that failed, with Zoom's message, and presses "Prøv igen"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from events.models import MeetingState, SessionMeeting, WebinarAccount
from tests.events.conftest import build_event
from tests.events.webinars.conftest import ZOOM_SECRET
from tests.events.webinars.conftest import zoom_standin as zoom_standin  # a fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_moderator_sets_up_zoom_and_editor_retries_a_failed_meeting(
    live_server,
    vive,
    vive_moderator,
    vive_editor,
    page_for,
    zoom_standin,  # noqa: F811
    screenshot,
):
    page = page_for(vive_moderator)
    page.goto(f"{live_server.url}/admin/webinarkonti/new/")
    page.select_option("select[name=partner]", str(vive.pk))
    page.select_option("select[name=platform]", "zoom")
    page.fill("input[name=account_id]", "acc-vive")
    page.fill("input[name=client_id]", "zoom-client")
    page.fill("input[name=client_secret]", ZOOM_SECRET)
    expect(page.locator("input[name=client_secret]")).to_have_attribute("type", "password")
    page.locator("button.button-longrunning[type=submit]").first.click()
    expect(page.get_by_text("zoom-client")).to_be_visible()
    account = WebinarAccount.objects.get(partner=vive)
    assert account.client_secret == ZOOM_SECRET
    page.goto(f"{live_server.url}/admin/webinarkonti/edit/{account.pk}/")
    assert ZOOM_SECRET not in page.content()
    expect(page.locator("input[name=client_secret]")).to_have_value("")
    screenshot(page, "account")

    zoom_standin.fail(400, match="POST /v2/users/me/webinars", message="Webinar plan is missing.")
    event = build_event(vive, title="Webinar om netværksmøder", webinar_platform="zoom_webinar")
    meeting = SessionMeeting.objects.get(event=event)
    assert meeting.state == MeetingState.FAILED

    page = page_for(vive_editor)
    page.goto(f"{live_server.url}/admin/webinarmoeder/")
    page.get_by_role("link", name="Webinar om netværksmøder").click()
    expect(page.get_by_text("Webinar plan is missing.")).to_be_visible()
    expect(page.get_by_text("Fejlet")).to_be_visible()
    screenshot(page, "failed")
    page.get_by_role("button", name="Prøv igen").click()
    expect(page.get_by_text("Mødet prøves igen om et øjeblik.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    page.reload()
    expect(page.get_by_text("Oprettet")).to_be_visible()
    expect(page.get_by_text(meeting.external_id)).to_be_visible()
    assert len(zoom_standin.live_meetings()) == 1
