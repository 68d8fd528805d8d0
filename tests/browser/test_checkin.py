"""A moderator checks people in on a phone-sized Chromium: the session, a search, one tap per
person, the count; then scans a confirmation's QR code. A logged-out phone that opens the same
code sees nothing of the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.courses.tokens import checkin_url
from events.models import Registration, SessionAttendance
from home.models import Municipality
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def phone(browser):
    context = browser.new_context(
        locale="da-DK", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_moderator_checks_people_in_on_a_phone(
    browser, live_server, settings, vive, vive_moderator, screenshot
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    settings.BASE_URL = live_server.url
    course = build_event(
        vive,
        title="Kompetenceforløb om børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        capacity=20,
        sessions=[{"title": "Modul 1"}],
    )
    soeren = sign_up(course, name="Søren Ærø", email="soeren@kommune.example").registration
    sign_up(course, name="Åse Østergaard", municipality=Municipality.objects.get(code="0751"))
    sign_up(course, name="Bo Bæk", municipality=Municipality.objects.get(code="0461"))
    now = timezone.now()
    course.sessions.update(start=now - timedelta(minutes=15), end=now + timedelta(hours=2))

    context, page = phone(browser)
    log_in(page, live_server, vive_moderator)
    page.goto(f"{live_server.url}/admin/checkin/")
    page.click("text=Kompetenceforløb om børnesamtaler – Modul 1")
    count = page.locator("[data-checkin-count]")
    expect(count).to_have_text("0 af 3 til stede")
    no_sideways_scroll(page)

    # Search by municipality, then by name; one tap each.
    page.fill("#checkin-q", "aarhus")
    page.click("button:has-text('Søg')")
    expect(page.locator(".checkin-person")).to_have_count(1)
    page.locator(".checkin-person", has_text="Åse Østergaard").locator(".checkin-present").tap()
    expect(count).to_have_text("1 af 3 til stede")
    page.fill("#checkin-q", "ærø")
    page.click("button:has-text('Søg')")
    expect(page.locator(".checkin-person")).to_have_count(1)
    person = page.locator(".checkin-person", has_text="Søren Ærø")
    person.locator(".checkin-present").tap()
    expect(count).to_have_text("2 af 3 til stede")
    expect(person.locator("[data-status]")).to_have_text("Til stede")
    # The page after the tap is a GET: reloading it sends nothing again.
    page.reload()
    expect(count).to_have_text("2 af 3 til stede")
    screenshot(page, "checkin")
    no_sideways_scroll(page)

    # Bo's code, scanned by the moderator's phone: the person, then one tap to confirm.
    bo = Registration.objects.get(name="Bo Bæk")
    page.goto(checkin_url(registration=bo))
    assert "Bo Bæk" in page.locator("main").text_content()
    page.click("text=Bekræft fremmøde")
    expect(page.locator("main")).to_contain_text("Fremmøde registreret: til stede.")
    no_sideways_scroll(page)
    assert SessionAttendance.objects.filter(status="present").count() == 3
    context.close()

    # Someone else's phone, logged out, scans Søren's code: nothing of him or the course.
    context, stranger = phone(browser)
    response = stranger.goto(checkin_url(registration=soeren))
    assert response.status == 403
    main = stranger.locator("main").text_content()
    assert "Siden er kun for arrangørens moderatorer" in main
    for secret in ("Søren", "Ærø", "Kompetenceforløb", "København"):
        assert secret not in stranger.content()
    context.close()
