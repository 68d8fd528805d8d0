"""The widget in the admin, in Chromium (issue 15): an editor builds their code, copies it and
sees it live; and previews a draft event in the mode "Widget". Both under the admin's
Content-Security-Policy, with no violation. Screenshots in .test-artefacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from home.demo import vocabulary_seed
from tests.browser.test_csp import watch
from tests.events.conftest import build_event

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDGET_DEFINED = "() => customElements.get('videnscenter-events') !== undefined"


def test_an_editor_builds_copies_and_sees_their_widget_code(
    page_for, vive_editor, vive, bv, live_server, screenshot
):
    vocabulary_seed()
    build_event(vive, title="VIVEs webinar om børnesamtaler")
    build_event(vive, title="VIVEs konference om anbringelse", event_type="conference")
    build_event(bv, title="Børns Vilkårs webinar")
    editor = page_for(vive_editor)
    editor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    violations = watch(editor)

    editor.goto(f"{live_server.url}/admin/widget/")
    code = editor.locator("#widget-snippet")
    expect(code).to_have_value(re.compile(r'<videnscenter-events partner="vive">'))
    preview = editor.locator("[data-widget-preview] videnscenter-events")
    editor.wait_for_function(WIDGET_DEFINED)
    # The widget's shadow root (open: the locators pierce it) lists VIVE's events only.
    expect(preview.get_by_text("VIVEs konference om anbringelse")).to_be_visible()
    expect(preview.get_by_text("Børns Vilkårs webinar")).to_have_count(0)

    # A filter changes the code and the preview, without a reload.
    editor.check("input[name=type][value=webinar]")
    expect(code).to_have_value(re.compile(r'<videnscenter-events partner="vive" type="webinar">'))
    expect(preview).to_have_attribute("type", "webinar")
    expect(preview).to_have_attribute("partner", "vive")
    expect(preview.get_by_text("VIVEs webinar om børnesamtaler")).to_be_visible()
    expect(preview.get_by_text("VIVEs konference om anbringelse")).to_have_count(0)
    editor.fill("input[name=page_size]", "5")
    editor.keyboard.press("Tab")
    expect(code).to_have_value(re.compile(r'type="webinar" page-size="5">'))
    expect(preview).to_have_attribute("page-size", "5")
    assert "type=webinar" in editor.url and "page_size=5" in editor.url
    assert editor.evaluate(WIDGET_DEFINED)

    editor.get_by_role("button", name="Kopiér").click()
    expect(editor.locator("[data-widget-snippet-status]")).to_have_text("Koden er kopieret.")
    assert editor.evaluate("navigator.clipboard.readText()") == code.input_value()
    screenshot(editor, "widget-code")

    preview.scroll_into_view_if_needed()
    screenshot(editor, "widget-live-preview")

    # The address names the filters: a reload shows the same code.
    editor.reload()
    expect(code).to_have_value(re.compile(r'type="webinar" page-size="5">'))
    assert violations == []


def test_an_editor_previews_a_draft_event_in_the_widget(
    page_for, vive_editor, vive, live_server, screenshot
):
    event = build_event(vive, title="VIVEs webinar om børnesamtaler")
    editor = page_for(vive_editor)
    violations = watch(editor)

    editor.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    editor.wait_for_load_state("networkidle")
    editor.click("[data-side-panel-toggle='preview']")
    editor.select_option("#id_preview_mode", "widget")
    frame = editor.frame_locator("#w-preview-iframe")
    widget = frame.locator("videnscenter-events[preview=draft-event]")
    expect(widget.get_by_text("VIVEs webinar om børnesamtaler")).to_be_visible()
    expect(widget.get_by_text("Forhåndsvisning: tilmelding er slået fra.")).to_be_visible()

    # The unsaved draft: the preview follows the form. Wagtail takes the form's first state a
    # moment after the page has loaded; a person reads before typing, and so does the test.
    editor.wait_for_load_state("networkidle")
    editor.wait_for_timeout(1500)
    editor.fill("#id_title", "VIVEs webinar om børnesamtaler – ny titel")
    editor.keyboard.press("Tab")
    # Wagtail posts the form and reloads the frame after a pause; the autosave runs beside it.
    expect(widget.get_by_text("VIVEs webinar om børnesamtaler – ny titel")).to_be_visible(
        timeout=20_000
    )
    screenshot(editor, "widget-preview")
    editor.wait_for_load_state("networkidle")  # the autosave, before the database is flushed
    assert violations == []
