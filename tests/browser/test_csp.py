"""The Content-Security-Policy as Chromium enforces it: the admin, the API's docs, the error pages
and the registrants' pages work under their policies, and the browser reports no violation.

The test client ignores CSP, so only a browser can tell that a policy is too strict (a blocked
script, style or frame) or that a page needs more than its policy grants.
"""

from __future__ import annotations

import pytest

from events.models import EventIndexPage
from tests.events.conftest import build_event

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch(page) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return violations


def test_the_admin_works_under_its_policy(page_for, vive_editor, vive, live_server, screenshot):
    folder = EventIndexPage.objects.get(partner=vive)
    event = build_event(vive, title="Webinar om børnesamtaler")
    editor = page_for(vive_editor)
    violations = watch(editor)

    response = editor.goto(f"{live_server.url}/admin/")
    assert "script-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]
    editor.locator("main").wait_for()
    editor.wait_for_load_state("networkidle")

    # The page editor: date pickers and the sessions' inline panel are inline scripts.
    editor.goto(f"{live_server.url}/admin/pages/add/events/eventpage/{folder.pk}/")
    editor.wait_for_load_state("networkidle")
    editor.click("#tab-label-praktisk")
    editor.click("#id_sessions-ADD")
    assert editor.locator("#id_sessions-1-start").is_visible()
    editor.click("#id_sessions-1-start")
    # The picker opened: its inline start-up script ran.
    editor.locator(".xdsoft_datetimepicker >> visible=true").wait_for()
    screenshot(editor, "1-editor-under-csp")

    # An existing page in the editor, with its live preview in a same-origin frame.
    editor.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    editor.wait_for_load_state("networkidle")
    editor.click("[data-side-panel-toggle='preview']")
    preview = editor.frame_locator("#w-preview-iframe")
    preview.locator("h1").wait_for(state="attached")
    editor.wait_for_load_state("networkidle")
    screenshot(editor, "2-preview-under-csp")
    assert preview.locator("h1").text_content() == "Webinar om børnesamtaler"

    # Listings: the partner's folder in the explorer, and the registrations.
    editor.goto(f"{live_server.url}/admin/pages/{folder.pk}/")
    assert editor.get_by_text("Webinar om børnesamtaler").count() >= 1
    editor.goto(f"{live_server.url}/admin/registrations/")
    editor.wait_for_load_state("networkidle")
    screenshot(editor, "3-listing-under-csp")

    assert violations == []


def test_the_api_docs_work_under_their_policy(browser, live_server, centre):
    page = browser.new_context(locale="da-DK").new_page()
    violations = watch(page)

    page.goto(f"{live_server.url}/api/v1/schema/docs/")
    # Swagger UI has fetched the schema and drawn it.
    page.locator(".swagger-ui .info .title").wait_for()
    assert (
        "Videnscenter om børneinddragelse"
        in page.locator(".swagger-ui .info .title").text_content()
    )
    page.locator(".opblock-tag").first.wait_for()

    page.goto(f"{live_server.url}/api/v1/schema/redoc/")
    page.locator("h1").first.wait_for()
    assert "Videnscenter om børneinddragelse" in page.locator("h1").first.text_content()
    page.wait_for_load_state("networkidle")

    # Redoc always shows Redocly's logo from its CDN; the policy loads nothing from another
    # site, so the image is refused (and Redoc hides it). Nothing else may be.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [v for v in violations if logo not in v] == []


def test_error_pages_are_styled_under_the_strict_policy(browser, live_server, centre):
    page = browser.new_context(locale="da-DK").new_page()
    violations = watch(page)

    response = page.goto(f"{live_server.url}/tilmelding/findes-ikke/")
    assert response.status == 404
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").text_content() == "Siden findes ikke"
    # The inline style was let in by its nonce: the page has its narrow column.
    width = page.evaluate("getComputedStyle(document.body).maxWidth")
    assert width != "none"

    assert violations == []
