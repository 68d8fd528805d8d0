"""An editor's and a moderator's day in a real browser: draft, submit, publish, and the walls
between partners. Screenshots are kept in .test-artefacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page

from events.models import EventIndexPage, EventPage
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRET = "https://teams.example.com/meet/vive-hemmeligt"


def local(days: int, hour: int) -> str:
    moment = (timezone.now() + timedelta(days=days)).astimezone(timezone.get_default_timezone())
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


def fill_datetime(page, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.keyboard.press("Tab")


def close_date_pickers(page) -> None:
    """Wagtail's date picker stays open over the footer after typing; a click outside closes
    it, as for a person."""
    page.click("#id_platform_name")


def test_vive_drafts_submits_and_publishes_a_webinar_that_others_cannot_touch(
    page_for, vive_editor, vive_moderator, bv_editor, vive, live_server, screenshot, client
):
    folder = EventIndexPage.objects.get(partner=vive)

    # The VIVE editor drafts a webinar with two sessions and submits it for moderation.
    editor = page_for(vive_editor)
    editor.goto(f"{live_server.url}/admin/pages/add/events/eventpage/{folder.pk}/")
    assert editor.locator("html").get_attribute("lang") == "da"
    editor.fill("#id_title", "Webinar: Børnesamtaler i praksis")
    editor.select_option("#id_event_type", "webinar")
    editor.fill("#id_teaser", "Hvordan taler vi med børn om deres egen sag?")
    editor.click("#tab-label-praktisk")
    fill_datetime(editor, "#id_sessions-0-start", local(20, 10))
    fill_datetime(editor, "#id_sessions-0-end", local(20, 11))
    editor.fill("#id_sessions-0-title", "Del 1")
    editor.click("#id_sessions-ADD")
    fill_datetime(editor, "#id_sessions-1-start", local(27, 10))
    fill_datetime(editor, "#id_sessions-1-end", local(27, 11))
    editor.fill("#id_sessions-1-title", "Del 2")
    editor.select_option("#id_format", "online")
    editor.fill("#id_platform_name", "Teams")
    editor.fill("#id_join_url", SECRET)
    close_date_pickers(editor)
    screenshot(editor, "1-editor-draft")
    # Wagtail 8 autosaves the draft while the editor types (the first autosave creates the
    # page); let it finish, as a person reading over the form would, before submitting.
    editor.wait_for_load_state("networkidle")
    editor.wait_for_timeout(1500)
    editor.click("button:has-text('Flere handlinger')")
    with editor.expect_navigation():
        editor.click("button[name=action-submit]")
    editor.wait_for_load_state("networkidle")
    screenshot(editor, "2-editor-submitted")

    event = EventPage.objects.get(title="Webinar: Børnesamtaler i praksis")
    assert not event.live
    assert event.sessions.count() == 2
    assert event.current_workflow_state is not None
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 404

    # The VIVE moderator approves it from the editor, which publishes it.
    moderator = page_for(vive_moderator)
    moderator.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    screenshot(moderator, "3-moderator-review")
    moderator.click("button:has-text('Flere handlinger')")
    # "Godkend" on the last task of the partner's workflow publishes the page.
    with moderator.expect_navigation():
        moderator.click(
            "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        )
    moderator.wait_for_load_state("networkidle")
    screenshot(moderator, "4-moderator-published")

    event.refresh_from_db()
    assert event.live
    response = client.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    assert [s["title"] for s in response.json()["sessions"]] == ["Del 1", "Del 2"]
    assert SECRET not in response.content.decode()
    feed = client.get("/feeds/events.ics?partner=vive&type=webinar").content.decode()
    assert "Webinar: Børnesamtaler i praksis: Del 1" in feed.replace("\r\n ", "")
    assert SECRET not in feed

    # Børns Vilkår's editor can neither edit the webinar nor see VIVE's registrations.
    outsider = page_for(bv_editor)
    outsider.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    screenshot(outsider, "5-outsider-denied")
    # Wagtail answers a denial by sending the user back to the dashboard.
    assert outsider.url == f"{live_server.url}/admin/"
    assert outsider.locator("#id_title").count() == 0
    assert Page.objects.get(pk=event.pk).specific.title == "Webinar: Børnesamtaler i praksis"

    # A professional signs up. VIVE's moderator finds the registration and reads the reach
    # report, whose chart the browser draws; Børns Vilkår's editor sees neither.
    vocabulary_seed()
    sign_up(event, name="Anna Andersen", email="anna@kommune.example")
    moderator.goto(f"{live_server.url}/admin/registrations/")
    assert moderator.get_by_text("Anna Andersen").count() >= 1
    moderator.goto(f"{live_server.url}/admin/reports/reach/municipality/")
    chart = moderator.locator("svg.reach-chart")
    chart.wait_for()
    assert chart.locator("g.reach-chart-bar").count() == 1
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 20
    assert "København" in chart.text_content()
    screenshot(moderator, "6-moderator-reach-report")

    outsider.goto(f"{live_server.url}/admin/registrations/")
    assert "Anna Andersen" not in outsider.content()
    screenshot(outsider, "7-outsider-registrations")
    outsider.goto(f"{live_server.url}/admin/reports/reach/municipality/")
    assert outsider.locator("g.reach-chart-bar").count() == 0
    assert "København" not in outsider.content()
    screenshot(outsider, "8-outsider-reach-report")
