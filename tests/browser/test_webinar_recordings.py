"""After a Zoom webinar, VIVE's moderator finds the recording on the dashboard, follows it to
the event's draft with the recording filled in under *Materiale*; Børns Vilkår's moderator sees
no such notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import MeetingImport, SessionMeeting
from events.webinars.tasks import imports_due
from tests.events.conftest import build_event
from tests.events.webinars.conftest import zoom_account as zoom_account  # a fixture
from tests.events.webinars.conftest import zoom_standin as zoom_standin  # a fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_moderator_finds_the_recording_on_the_dashboard_and_in_the_draft(
    live_server,
    vive,
    vive_moderator,
    bv_moderator,
    page_for,
    zoom_standin,  # noqa: F811
    zoom_account,  # noqa: F811
    screenshot,
):
    start = timezone.now() - timedelta(hours=3)
    event = build_event(
        vive,
        title="Webinar om børns stemmer",
        webinar_platform="zoom_meeting",
        join_url="",
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
        registration_closes=None,
    )
    meeting = SessionMeeting.objects.get(event=event)
    zoom_standin.add_recording(meeting.external_id, passcode="hemmelig9")
    share_url = zoom_standin.recordings[meeting.external_id]["share_url"]
    imports_due()  # the tasks run in this process (test settings: sync)
    assert MeetingImport.objects.filter(kind="recording", status="sent").exists()

    page = page_for(vive_moderator)
    panel = page.locator("[id^=webinar-recordings]").first
    expect(panel.get_by_text("Optagelser fra webinarer")).to_be_visible()
    expect(panel.get_by_text("hemmelig9")).to_be_visible()
    screenshot(page, "dashboard")
    panel.get_by_role("link", name="Webinar om børns stemmer").click()
    page.get_by_role("tab", name="Materiale").click()
    expect(page.locator("input[name=recording_url]")).to_have_value(share_url)
    screenshot(page, "draft")

    other = page_for(bv_moderator)
    assert "Webinar om børns stemmer" not in other.content()
    assert share_url not in other.content()
