"""A moderator's day at 1366 px in a real Chromium: the calendar across partners, the
registrations with their row actions in view, a registration's page, cancelling with a reason
(the registrant's email says the centre cancelled, and why), and the reach reports compared with
a year earlier. A screenshot per step is kept in .test-artefacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Registration
from home.demo import vocabulary_seed
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH = 1366
REASON = "Arrangementet er kun for ansatte i familieafdelingerne."


def in_days(days: int, hour: int):
    moment = (timezone.now() + timedelta(days=days)).astimezone(timezone.get_default_timezone())
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def fits_the_viewport(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


def test_a_moderators_day(page_for, vive_moderator, vive, bv, live_server, screenshot, smtp_sink):
    vocabulary_seed()
    start = in_days(40, 10)
    day = start.date()
    webinar = build_event(
        vive,
        title="VIVE-webinar om børnesamtaler i familieafdelingen",
        capacity=30,
        sessions=[{"start": start, "end": start + timedelta(hours=2)}],
    )
    build_event(
        vive,
        title="VIVE-kladde under udarbejdelse",
        publish=False,
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
    )
    build_event(
        bv,
        title="Børns Vilkårs workshop samme dag",
        event_type="workshop",
        sessions=[{"start": start + timedelta(hours=3), "end": start + timedelta(hours=5)}],
    )
    build_event(
        bv,
        title="Børns Vilkårs hemmelige kladde",
        publish=False,
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
    )
    anna = sign_up(
        webinar,
        name="Anna Andersen",
        email="anna@kommune.example",
        workplace="Familieafdelingen, Københavns Kommune, Center for Børn og Unge",
    ).registration
    for number in range(3):
        sign_up(webinar, name=f"Deltager med et langt navn nummer {number}")

    page = page_for(vive_moderator)
    page.set_viewport_size({"width": WIDTH, "height": 800})

    # 1. The calendar: the month of the webinar, clashes marked, others' drafts hidden.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Kalender").first.click()
    page.goto(f"{live_server.url}/admin/calendar/?date={day.isoformat()}")
    table = page.get_by_role("table")
    assert table.locator("th[scope=col]").first.inner_text() == "Mandag"
    assert page.get_by_role("link", name="VIVE-webinar om børnesamtaler i familieafdelingen")
    assert page.get_by_text("Børns Vilkårs workshop samme dag").count() == 1
    assert page.get_by_role("link", name="Børns Vilkårs workshop samme dag").count() == 0
    assert "Børns Vilkårs hemmelige kladde" not in page.content()
    assert page.get_by_text("3 arrangementer samme dag").count() == 1
    assert fits_the_viewport(table)
    screenshot(page, "1-calendar-month")
    # The week, by keyboard: the link is reachable and followed with Enter.
    page.get_by_role("link", name="Uge", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "view=week" in page.url
    assert page.get_by_role("heading", level=2).filter(has_text="(i dag)").count() <= 1
    screenshot(page, "2-calendar-week")

    # 2. The registrations: each row's actions open in view at 1366 px.
    page.goto(f"{live_server.url}/admin/registrations/")
    row = page.locator("tr", has_text="Anna Andersen")
    # The row's steps are in its menu (beside "Se detaljer"), so the names are not squeezed.
    row.get_by_role("button", name="Flere muligheder").click()
    cancel = row.get_by_role("link", name="Annullér")
    cancel.wait_for()
    assert cancel.is_visible()
    assert fits_the_viewport(cancel)
    # The whole list fits: its last column too.
    assert fits_the_viewport(page.locator("table.listing thead th").last)
    headings = page.locator("table.listing thead th").all_inner_texts()
    texts = [text.strip() for text in headings if text.strip()]
    assert all(text[0].isupper() for text in texts), texts
    screenshot(page, "3-registrations-row-actions")
    page.keyboard.press("Escape")

    # 3. Anna's page: headed by the event, times in Copenhagen time, the actions at hand.
    page.goto(f"{live_server.url}/admin/registrations/inspect/{anna.pk}/")
    heading = page.get_by_role("heading", level=1)
    assert "VIVE-webinar om børnesamtaler i familieafdelingen" in heading.inner_text()
    signed_up = timezone.localtime(anna.created_at).strftime("%H.%M")
    assert f"kl. {signed_up}" in page.content()
    screenshot(page, "4-registration-detail")

    # 4. Cancel: without a reason nothing happens; with one, Anna is told the centre cancelled.
    with page.expect_navigation():
        page.get_by_role("link", name="Annullér").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, annullér").click()
    assert page.get_by_text("Begrundelse: skriv, hvorfor tilmeldingen annulleres.").is_visible()
    assert Registration.objects.get(pk=anna.pk).status == "confirmed"
    screenshot(page, "5-cancel-needs-a-reason")
    page.get_by_label("Begrundelse til deltageren").fill(REASON)
    page.get_by_role("button", name="Ja, annullér").click()
    page.wait_for_url(f"**/admin/registrations/inspect/{anna.pk}/")
    assert page.get_by_text("Annullér: Anna Andersen.").is_visible()
    screenshot(page, "6-cancelled")
    assert Registration.objects.get(pk=anna.pk).status == "cancelled"
    [email] = [m for m in smtp_sink.messages if "anna@kommune.example" in m["To"]][-1:]
    assert email["Subject"].strip().startswith("Centret har annulleret din tilmelding")
    assert REASON in email.get_body(("plain",)).get_content()

    # 5. The reach report for the webinar's month, beside the same month a year earlier.
    first = day.replace(day=1)
    page.goto(
        f"{live_server.url}/admin/reports/reach/municipality/"
        f"?period_after={first.isoformat()}&period_before={day.isoformat()}"
    )
    assert page.get_by_role("heading", name="Sammenlignet med samme periode året før").is_visible()
    listing = page.locator("table.listing").first
    assert page.get_by_role("columnheader", name="Deltagere året før").is_visible()
    assert fits_the_viewport(listing)
    screenshot(page, "7-reach-report")
