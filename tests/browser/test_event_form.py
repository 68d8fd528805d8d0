"""The event form in Chromium at 1366 px, as an editor makes a new event with sessions: Danish
slugs as the title is typed, checkboxes, "Session 1" and "Tilføj session", a session's dates
only when it is all day, warnings after saving; and no autosave that creates a page behind the
editor's back, so a second save never collides with it. A screenshot per step is kept in
test-artifacts/event-form/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import EventIndexPage, EventPage
from home.demo import vocabulary_seed

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "event-form"
TITLE = "Børns Vilkår på Ærø: Åben dag om inddragelse"
SLUG = "boerns-vilkaar-paa-aeroe-aaben-dag-om-inddragelse"


def local(days: int, hour: int) -> str:
    moment = (timezone.now() + timedelta(days=days)).astimezone(timezone.get_default_timezone())
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


def day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def editor_page(browser, live_server, vive_editor, request):
    """The VIVE editor, logged in, in a Danish Chromium 1366 px wide."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"uncaught: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", vive_editor.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


@pytest.fixture
def step(request):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _add_url(live_server, vive) -> str:
    folder = EventIndexPage.objects.get(partner=vive)
    return f"{live_server.url}/admin/pages/add/events/eventpage/{folder.pk}/"


def _fill_datetime(page, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.keyboard.press("Tab")


def _shown(page, selector: str) -> bool:
    """The field and its label (as a person sees them)."""
    field = page.locator(selector)
    label = page.locator(f"label[for='{selector[1:]}']")
    assert field.is_visible() == label.is_visible(), selector
    return field.is_visible()


def test_an_editor_makes_a_new_event_with_sessions(editor_page, live_server, vive, step):
    vocabulary_seed()
    page = editor_page
    page.goto(_add_url(live_server, vive))
    step(page, "1-new-form")

    # The title's Danish letters are spelled out in the slug as it is typed.
    page.locator("#id_title").press_sequentially(TITLE)
    page.select_option("#id_event_type", "workshop")
    page.fill("#id_teaser", "En dag om børns inddragelse i egen sag.")
    slug = page.locator("#id_slug")
    expect(slug).to_have_value(SLUG)  # Wagtail syncs the slug a moment after the typing
    # Upper case too, and the editor's own typing in the slug field.
    page.click("#tab-label-promovering")
    page.fill("#id_slug", "")
    page.locator("#id_slug").press_sequentially("ÆBLEGRØD på Åen")
    slug.blur()
    expect(slug).to_have_value("aeblegroed-paa-aaen")
    page.fill("#id_slug", "")
    page.click("#tab-label-indhold")
    page.fill("#id_title", "")
    page.locator("#id_title").press_sequentially(TITLE)
    expect(slug).to_have_value(SLUG)

    # Topics and audiences are checkboxes: a click chooses one, no Ctrl needed.
    page.get_by_role("checkbox", name="Børnesamtaler").check()
    page.get_by_role("checkbox", name="Anbringelse").check()
    page.get_by_label("Sagsbehandlere").first.check()
    assert page.locator('select[name="topics"]').count() == 0
    page.get_by_role("checkbox", name="Børnesamtaler").scroll_into_view_if_needed()
    step(page, "2-title-slug-and-checkboxes")

    # Sessions: "Session 1", then "Tilføj session" adds "Session 2".
    page.click("#tab-label-praktisk")
    first = page.locator("#inline_child_sessions-0")
    assert "Session 1" in first.inner_text()
    _fill_datetime(page, "#id_sessions-0-start", local(30, 9))
    _fill_datetime(page, "#id_sessions-0-end", local(30, 15))
    page.fill("#id_sessions-0-title", "Formiddag og eftermiddag")
    # A timed session shows its times, not dates.
    assert _shown(page, "#id_sessions-0-start") and not _shown(page, "#id_sessions-0-start_date")
    page.get_by_role("button", name="Tilføj session").click()
    second = page.locator("#inline_child_sessions-1")
    second.wait_for()
    assert "Session 2" in second.inner_text()
    assert not _shown(page, "#id_sessions-1-start_date")
    first.scroll_into_view_if_needed()
    step(page, "3-session-2-added")
    # All day: the dates appear and the times go.
    page.check("#id_sessions-1-all_day")
    assert _shown(page, "#id_sessions-1-start_date")
    assert not _shown(page, "#id_sessions-1-start")
    page.fill("#id_sessions-1-start_date", day(31))
    page.keyboard.press("Tab")
    page.fill("#id_sessions-1-end_date", day(31))
    page.keyboard.press("Tab")
    page.fill("#id_sessions-1-title", "Opfølgningsdag")
    page.select_option("#id_format", "hybrid")
    page.fill("#id_platform_name", "Teams")
    page.fill("#id_venue_name", "VIVE")
    page.fill("#id_venue_city", "København K")
    page.click("#id_venue_name")  # closes a date picker left open over the form
    second.scroll_into_view_if_needed()
    step(page, "4-session-2-all-day")

    # Saved as a draft: the page exists once, with a warning (no join link yet), not an error.
    assert not EventPage.objects.exists()  # nothing was created while the editor typed
    with page.expect_navigation():
        page.click("button[name=action-draft], button:has-text('Gem kladde')")
    page.wait_for_load_state("networkidle")
    step(page, "5-saved-with-warning")
    assert "/edit/" in page.url
    assert page.get_by_text(
        "Deltagerlink: arrangementet foregår online, men har intet deltagerlink"
    ).count()
    event = EventPage.objects.get()
    assert event.slug == SLUG
    sessions = event.get_latest_revision_as_object().sessions.all()
    assert [s.all_day for s in sessions] == [False, True]
    assert {t.name for t in event.get_latest_revision_as_object().topics.all()} == {
        "Børnesamtaler",
        "Anbringelse",
    }
    assert not page.problems


def test_waiting_and_saving_twice_makes_one_page_without_a_slug_collision(
    editor_page, live_server, vive, step
):
    page = editor_page
    page.goto(_add_url(live_server, vive))
    page.fill("#id_title", "Webinar om børnesamtaler")
    page.select_option("#id_event_type", "webinar")
    page.fill("#id_teaser", "En time om børnesamtaler.")
    page.click("#tab-label-praktisk")
    _fill_datetime(page, "#id_sessions-0-start", local(20, 10))
    _fill_datetime(page, "#id_sessions-0-end", local(20, 11))
    page.select_option("#id_format", "online")
    page.fill("#id_platform_name", "Teams")
    page.fill("#id_join_url", "https://teams.example.com/meet/link")
    # Long after Wagtail's autosave would have fired on the create form: nothing is created.
    page.wait_for_timeout(3000)
    assert not EventPage.objects.exists()
    step(page, "1-typed-and-waited")

    with page.expect_navigation():
        page.click("button:has-text('Gem kladde')")
    page.wait_for_load_state("networkidle")
    assert "/edit/" in page.url
    # The second save (and the edit form's own autosave) updates the same page.
    page.fill("#id_teaser", "En time om børnesamtaler, med spørgsmål.")
    page.wait_for_timeout(1500)
    with page.expect_navigation():
        page.click("button:has-text('Gem kladde')")
    page.wait_for_load_state("networkidle")
    step(page, "2-saved-twice")
    content = page.content()
    assert "bruges allerede" not in content and "already in use" not in content
    assert EventPage.objects.count() == 1

    # An abandoned new form leaves nothing behind either: the next one with the same title
    # gets its slug.
    page.goto(_add_url(live_server, vive))
    page.fill("#id_title", "Webinar om anbringelse")
    page.wait_for_timeout(2000)
    page.goto(_add_url(live_server, vive))
    assert EventPage.objects.count() == 1
    step(page, "3-abandoned-form-left-nothing")
