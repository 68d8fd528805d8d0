"""The events widget on a partner's page (another origin, a strict CSP) as a visitor browses it:
the list, the filters, the month calendar, an event by deep link, the CMS's own hosted page,
and text at 200 %.

Everything is read the way a person meets it (roles, names, visible text); axe-core checks each
state (WCAG 2.1 A and AA, and its best practices), and every test fails on a console error or
CSP violation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.widget_data import WEEKDAYS, danish_day, danish_month, month_after
from tests.browser.widget_host import (
    RECORD_API_REQUESTS,
    assert_no_problems,
    axe_violations,
    expect_state,
    focused,
    live_region,
    status_failed,
    widget,
)
from tests.events.conftest import build_event

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (page tree, municipalities).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def item(page, title: str):
    """An event's entry in the list, found by the link that is its title."""
    link = page.get_by_role("link", name=title, exact=True)
    return page.get_by_role("listitem").filter(has=link)


def test_list_renders_the_partners_events_after_one_request(
    widget_page, widget_host, programme, screenshot
):
    page = widget_page
    page.add_init_script(RECORD_API_REQUESTS)
    seen = []
    page.on("request", lambda request: "/api/" in request.url and seen.append(request.url))

    page.goto(widget_host.page(partner="vive"))

    expect_state(page, "list")
    page.wait_for_load_state("networkidle")
    made = page.evaluate("window.__apiRequests")
    assert [r["url"] for r in made if r["beforeRender"]] == [seen[0]], made
    assert "/api/v1/events/?" in seen[0] and "partner=vive" in seen[0]
    assert [r["url"] for r in made] == seen  # every request the page made went through fetch

    expect(widget(page).get_by_text("5 arrangementer fundet")).to_be_visible()
    expect(live_region(page)).to_have_text("5 arrangementer fundet")
    titles = page.locator("videnscenter-events").get_by_role("heading", level=3)
    in_start_order = sorted(programme.of_vive(), key=lambda e: (e.first_start, e.pk))
    expect(titles).to_have_text([e.title for e in in_start_order])
    expect(page.get_by_role("link", name=programme.other_partner.title)).to_have_count(0)

    session = programme.open.sessions.get()
    open_item = item(page, programme.open.title)
    expect(open_item).to_contain_text(f"{danish_day(session.start)} kl. 10.00–12.00")
    expect(open_item).to_contain_text("Webinar")
    expect(open_item).to_contain_text("Åben for tilmelding – 30 ledige pladser")
    expect(item(page, programme.staff.title)).to_contain_text("20 ledige pladser")
    expect(item(page, programme.waiting.title)).to_contain_text("Fuldt – venteliste åben")
    expect(item(page, programme.full.title)).to_contain_text("Fuldt booket")
    cancelled = item(page, programme.cancelled.title)
    expect(cancelled).to_contain_text("Aflyst")
    expect(cancelled).not_to_contain_text("Åben for tilmelding")
    expect(page.get_by_role("button", name="Liste")).to_have_attribute("aria-pressed", "true")

    assert axe_violations(page) == []
    screenshot(page, "list")
    assert_no_problems(page)


def test_type_select_and_search_narrow_the_hosts_selection(
    widget_page, widget_host, programme, screenshot
):
    page = widget_page
    page.goto(widget_host.page(partner="vive", type="webinar,conference"))
    expect_state(page, "list")
    # The host's choice: webinars and conferences only, the workshop and the course left out.
    expect(widget(page).get_by_text("3 arrangementer fundet")).to_be_visible()
    expect(page.get_by_role("link", name=programme.full.title)).to_have_count(0)
    type_select = page.get_by_label("Type", exact=True)
    expect(type_select.get_by_role("option")).to_have_text(["Alle", "Webinar", "Konference"])

    type_select.select_option(label="Konference")
    expect(widget(page).get_by_text("1 arrangement fundet")).to_be_visible()
    expect(page.get_by_role("link", name=programme.waiting.title)).to_be_visible()
    expect(page.get_by_role("link", name=programme.open.title)).to_have_count(0)

    type_select.select_option(label="Alle")
    expect(widget(page).get_by_text("3 arrangementer fundet")).to_be_visible()

    # "børnesamtaler" is in the webinar's title and the workshop's, which the host left out.
    page.get_by_label("Søg i arrangementer").fill("børnesamtaler")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(widget(page).get_by_text("1 arrangement fundet")).to_be_visible()
    expect(page.get_by_role("link", name=programme.open.title, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=programme.full.title)).to_have_count(0)
    screenshot(page, "searched")

    page.get_by_label("Søg i arrangementer").fill("ingenting-matcher-dette")
    page.get_by_label("Søg i arrangementer").press("Enter")
    expect(page.get_by_text("Ingen kommende arrangementer matcher valget.")).to_be_visible()
    assert_no_problems(page)


def test_calendar_shows_a_month_and_moves_between_months(
    widget_page, widget_host, programme, vive, screenshot
):
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    this_month = build_event(
        vive,
        title="Temadag om børns perspektiv",
        event_type="conference",
        sessions=[{"start": today, "end": today + timedelta(hours=2)}],
    )
    events = [*programme.of_vive(), this_month]
    page = widget_page
    page.goto(widget_host.page(partner="vive"))
    expect_state(page, "list")

    page.get_by_role("button", name="Kalender").click()
    expect_state(page, "calendar")
    expect(page.get_by_role("button", name="Kalender")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Liste")).to_have_attribute("aria-pressed", "false")

    def shows_month_of(moment) -> None:
        table = page.get_by_role("table", name=danish_month(moment))
        expect(table).to_be_visible()
        for event in events:
            start = timezone.localtime(event.first_start)
            name = ("Aflyst: " if event.status == "cancelled" else "") + event.title
            link = page.get_by_role("link", name=name, exact=True)
            if danish_month(start) == danish_month(moment):
                cell = table.get_by_role("cell").filter(has=link)
                expect(cell).to_contain_text(f"{WEEKDAYS[start.weekday()]} {start.day}.")
            else:
                expect(table.get_by_role("link", name=name, exact=True)).to_have_count(0)

    shows_month_of(today)
    assert axe_violations(page) == []
    screenshot(page, "this-month")

    page.get_by_role("button", name="Næste måned").click()
    shows_month_of(month_after(today))
    expect(page.get_by_role("link", name=programme.open.title, exact=True)).to_be_visible()
    assert focused(page)["text"] == "Næste måned"  # the button keeps the focus
    screenshot(page, "next-month")

    page.get_by_role("button", name="Forrige måned").click()
    shows_month_of(today)
    assert focused(page)["text"] == "Forrige måned"

    page.get_by_role("link", name=this_month.title).click()
    expect_state(page, "detail")
    expect(page.get_by_role("heading", name=this_month.title, level=2)).to_be_visible()
    assert_no_problems(page)


def test_deep_link_opens_the_event_and_the_way_back_leads_to_the_list(
    widget_page, widget_host, programme, screenshot
):
    page = widget_page
    address = widget_host.page(partner="vive")
    page.goto(f"{address}#arrangement-{programme.waiting.pk}")
    expect_state(page, "detail")
    heading = page.get_by_role("heading", name=programme.waiting.title, level=2)
    expect(heading).to_be_focused()
    expect(page.get_by_text("Fuldt – venteliste åben")).to_be_visible()
    expect(page.get_by_text("Vartov, København", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Skriv dig på ventelisten")).to_be_visible()
    expect(page.get_by_role("link", name="Føj til din kalender (.ics)")).to_have_attribute(
        "href", f"{widget_host.cms_origin}/feeds/events/{programme.waiting.pk}.ics"
    )
    assert axe_violations(page) == []
    screenshot(page, "detail")

    page.get_by_role("button", name="Tilbage til arrangementerne").click()
    expect_state(page, "list")
    assert page.url == address

    # Opened from the list: the address names the event, and the way back returns the focus.
    page.get_by_role("link", name=programme.open.title, exact=True).click()
    expect_state(page, "detail")
    assert page.url == f"{address}#arrangement-{programme.open.pk}"
    page.get_by_role("button", name="Tilbage til arrangementerne").click()
    expect_state(page, "list")
    expect(page.get_by_role("link", name=programme.open.title, exact=True)).to_be_focused()

    # The browser's own Back button goes to the event again, and back again to the list.
    page.go_back()
    expect_state(page, "detail")
    expect(page.get_by_role("heading", name=programme.open.title, level=2)).to_be_visible()
    page.go_back()
    expect_state(page, "list")

    # Events that take no sign-up say why, and offer none.
    for event, why in [
        (programme.cancelled, "Aflyst – Oplægsholderen er syg."),
        (programme.full, "Fuldt booket"),
    ]:
        page.goto(f"{address}#arrangement-{event.pk}")
        expect_state(page, "detail")
        expect(page.get_by_role("heading", name=event.title, level=2)).to_be_focused()
        expect(widget(page).get_by_text(why, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Tilmeld dig")).to_have_count(0)
        expect(page.get_by_role("button", name="Skriv dig på ventelisten")).to_have_count(0)

    # An event that is not (or no longer) public: said so, with the way back.
    page.goto(f"{address}#arrangement-999999")
    expect_state(page, "error")
    expect(page.get_by_role("alert")).to_have_text(
        "Arrangementet findes ikke eller er ikke længere offentligt."
    )
    expect(page.get_by_role("button", name="Tilbage til arrangementerne")).to_be_visible()
    assert_no_problems(page, status_failed(404, "/api/v1/events/999999/"))


def test_hosted_events_page_of_the_cms_opens_the_event(
    widget_page, live_server, programme, screenshot
):
    page = widget_page
    response = page.goto(f"{live_server.url}/arrangementer/{programme.staff.pk}/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    expect_state(page, "detail")
    expect(page.get_by_role("heading", name=programme.staff.title, level=2)).to_be_focused()
    expect(page.get_by_role("button", name="Ansøg for en medarbejdergruppe")).to_be_visible()
    screenshot(page, "hosted")
    assert page.goto(f"{live_server.url}/arrangementer/999999/").status == 404
    assert_no_problems(page, status_failed(404, "/arrangementer/999999/"))


# Horizontal overflow of the page, and what of the widget sticks out of the viewport.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const root = document.querySelector("videnscenter-events").shadowRoot;
  const out = [...root.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width && (box.left < 0 || box.right > width + 0.5);
  }).map((el) => el.outerHTML.slice(0, 120));
  return { page: document.documentElement.scrollWidth - width, out };
}
"""


def test_text_at_200_percent_loses_nothing(widget_page, widget_host, programme, screenshot):
    page = widget_page
    page.goto(f"{widget_host.page(partner='vive')}#arrangement-{programme.open.pk}")
    expect_state(page, "detail")
    before = page.get_by_role("heading", level=2).bounding_box()["height"]
    # The host page's text size, as a reader who sets 200 % gets it (the CSSOM, which the
    # host's style-src 'none' does not govern).
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.get_by_role("heading", level=2).bounding_box()["height"] >= 1.8 * before

    page.get_by_role("button", name="Tilmeld dig").click()
    labels = page.locator("videnscenter-events form label")
    expect(labels.first).to_be_visible()
    assert page.evaluate(OVERFLOW) == {"page": 0, "out": []}
    for label in labels.all():
        expect(label).to_be_visible()
        label.scroll_into_view_if_needed()
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, label.text_content()
    screenshot(page, "form-200")

    page.get_by_role("button", name="Tilbage til arrangementerne").click()
    expect_state(page, "list")
    assert page.evaluate(OVERFLOW) == {"page": 0, "out": []}
    screenshot(page, "list-200")
    page.get_by_role("button", name="Kalender").click()
    expect_state(page, "calendar")
    assert page.evaluate(OVERFLOW) == {"page": 0, "out": []}
    expect(widget(page).get_by_role("link").first).to_be_visible()
    screenshot(page, "calendar-200")
    assert_no_problems(page)
