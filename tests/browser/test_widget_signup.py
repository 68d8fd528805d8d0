"""Signing up through the events widget on a partner's page (another origin, a strict CSP): an
individual sign-up, the waiting list, a staff group's application, and the whole sign-up by
keyboard alone. Each ends where a person sees it (the result, focused and announced), in the
database, and in the SMTP sink the centre's mail went to.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from events.models import PRIVACY_TEXT_VERSION, Registration, RegistrationStatus
from tests.browser.widget_host import (
    assert_focus_visible,
    assert_no_problems,
    axe_violations,
    expect_state,
    fill_person,
    focused,
    live_region,
    open_form,
    widget,
)

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (page tree, municipalities).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def mail_to(sink, address: str, subject: str, timeout: float = 10):
    """The message to ``address`` with ``subject``, once it has arrived at the sink."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in sink.messages:
            # (Python's parser keeps the space before a folded encoded subject.)
            if address in message["To"] and message["Subject"].strip() == subject:
                return message
        time.sleep(0.1)
    raise AssertionError(
        f"no mail {subject!r} to {address}: {[m['Subject'] for m in sink.messages]}"
    )


def expect_result(page, heading: str, detail: str, announced: str) -> None:
    """The result replaces the form: its heading has the focus, the live region says it once."""
    result = page.get_by_role("heading", name=heading, level=3)
    expect(result).to_be_focused()
    expect(widget(page).get_by_text(detail)).to_be_visible()
    expect(live_region(page)).to_have_text(announced)
    expect(page.get_by_role("form")).to_have_count(0)


CONFIRMED = "Du er tilmeldt. Du får en e-mail med din tilmelding."


def test_individual_sign_up_confirms_and_the_email_arrives(
    widget_page, widget_host, programme, smtp_sink, screenshot
):
    page = widget_page
    page.goto(widget_host.page(partner="vive"))
    page.get_by_role("link", name=programme.open.title, exact=True).click()
    expect_state(page, "detail")
    open_form(page, "Tilmeld dig")
    expect(page.get_by_label("Navn", exact=True)).to_be_focused()
    fill_person(page, email="Anna.Andersen@kommune.example")
    page.get_by_label("Telefon (valgfrit)").fill("12 34 56 78")
    page.get_by_label("Hensyn og tilgængelighed (valgfrit)").fill("Skriver tolk på")
    page.get_by_text("Læs privatlivsteksten").click()
    expect(page.get_by_text("Sådan behandler vi dine oplysninger")).to_be_visible()
    screenshot(page, "form")
    page.get_by_role("button", name="Send tilmelding").click()

    expect_result(page, "Du er tilmeldt", CONFIRMED, CONFIRMED)
    # The detail counts the seat just taken, without a reload.
    expect(page.get_by_text("Åben for tilmelding – 29 ledige pladser")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "confirmed")

    registration = Registration.objects.get(event=programme.open)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "anna.andersen@kommune.example"
    assert (registration.name, registration.workplace) == ("Anna Andersen", "Familieafdelingen")
    assert registration.municipality.name == "København"
    assert registration.privacy_version == PRIVACY_TEXT_VERSION  # the text the form showed
    assert registration.job_role.slug == "sagsbehandlere"
    assert (registration.phone, registration.accessibility_needs) == (
        "12 34 56 78",
        "Skriver tolk på",
    )
    mail = mail_to(smtp_sink, registration.email, f"Tilmelding bekræftet: {programme.open.title}")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Tak for din tilmelding. Du har en plads." in text

    # Back in the list, the seat is taken.
    page.get_by_role("button", name="Tilbage til arrangementerne").click()
    expect_state(page, "list")
    expect(page.get_by_text("Åben for tilmelding – 29 ledige pladser")).to_be_visible()
    assert_no_problems(page)


def test_full_event_takes_the_sign_up_onto_the_waiting_list(
    widget_page, widget_host, programme, smtp_sink, screenshot
):
    page = widget_page
    page.goto(f"{widget_host.page(partner='vive')}#arrangement-{programme.waiting.pk}")
    expect_state(page, "detail")
    open_form(page, "Skriv dig på ventelisten")
    expect(page.get_by_role("form")).to_contain_text("Arrangementet er fuldt.")
    fill_person(page, email="bo@kommune.example", name="Bo Berg")
    page.get_by_role("button", name="Skriv mig på ventelisten").click()

    expect_result(
        page,
        "Du er på ventelisten",
        "skrevet på ventelisten som nummer 1",
        "Du er på ventelisten. Arrangementet er fuldt, så du er skrevet på ventelisten som "
        "nummer 1. Du får en e-mail.",
    )
    screenshot(page, "waiting")
    registration = Registration.objects.get(event=programme.waiting, email="bo@kommune.example")
    assert registration.status == RegistrationStatus.WAITING_LIST
    assert registration.waiting_position == 1
    mail_to(smtp_sink, "bo@kommune.example", f"Du er på ventelisten: {programme.waiting.title}")
    assert_no_problems(page)


def test_staff_group_applies_and_the_manager_is_asked_to_confirm(
    widget_page, widget_host, programme, smtp_sink, screenshot
):
    page = widget_page
    page.goto(f"{widget_host.page(partner='vive')}#arrangement-{programme.staff.pk}")
    expect_state(page, "detail")
    open_form(page, "Ansøg for en medarbejdergruppe")
    expect(page.get_by_role("form", name="Ansøgning for en medarbejdergruppe")).to_be_visible()
    fill_person(page, email="carl@kommune.example", name="Carl Christensen", group=True)
    page.get_by_label("Enhed eller team").fill("Børne- og familieafdelingen")
    page.get_by_label("Antal deltagere").fill("4")
    page.get_by_label("Lederens navn").fill("Lene Leder")
    page.get_by_label("Lederens e-mail").fill("lene@kommune.example")
    screenshot(page, "form")
    page.get_by_role("button", name="Send ansøgning").click()

    expect_result(
        page,
        "Ansøgningen er modtaget",
        "Lederen får en e-mail",
        "Ansøgningen er modtaget. Lederen får en e-mail om at bekræfte forankringen, og "
        "arrangøren behandler derefter ansøgningen.",
    )
    screenshot(page, "pending")
    registration = Registration.objects.get(event=programme.staff)
    assert registration.status == RegistrationStatus.PENDING
    assert (registration.email, registration.participants) == ("carl@kommune.example", 4)
    assert (registration.unit, registration.manager_email) == (
        "Børne- og familieafdelingen",
        "lene@kommune.example",
    )
    mail = mail_to(
        smtp_sink,
        "lene@kommune.example",
        f"Bekræft ledelsesmæssig forankring: {programme.staff.title}",
    )
    assert "/tilmelding/ledelse/" in mail.get_body(preferencelist=("plain",)).get_content()
    mail_to(smtp_sink, "carl@kommune.example", f"Ansøgning modtaget: {programme.staff.title}")
    assert_no_problems(page)


def tab_to(page, text: str, *, limit: int = 40) -> dict:
    """Press Tab until the focus is on the control whose name starts with ``text``, checking on
    the way that every control the focus passes draws a visible indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["inWidget"]:
            assert_focus_visible(page)
        if now["text"].startswith(text):
            return now
    raise AssertionError(f"{text!r} not reached by Tab; last focus: {now}")


def test_sign_up_by_keyboard_alone(widget_page, widget_host, programme, smtp_sink, screenshot):
    page = widget_page
    page.goto(widget_host.page(partner="vive"))
    expect_state(page, "list")

    tab_to(page, programme.open.title)
    page.keyboard.press("Enter")
    expect_state(page, "detail")
    expect(page.get_by_role("heading", name=programme.open.title, level=2)).to_be_focused()

    assert tab_to(page, "Tilmeld dig")["tag"] == "button"
    page.keyboard.press("Space")
    name = page.get_by_label("Navn", exact=True)
    expect(name).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("Dorte Dahl")
    page.keyboard.press("Tab")
    page.keyboard.type("dorte@kommune.example")
    page.keyboard.press("Shift+Tab")  # back, to check the name
    expect(name).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Arbejdsplads"
    page.keyboard.type("Familieafdelingen")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Kommune"
    assert_focus_visible(page)
    # A closed select picks the option typed. (ASCII only: Playwright sends a letter that is
    # not on a US keyboard, like ø, as inserted text, which a select does not take.)
    page.keyboard.type("Aarhus")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Stillingsgruppe"
    page.keyboard.type("Sagsbehandlere")
    expect(page.get_by_label("Kommune", exact=True)).to_have_value("0751")
    expect(page.get_by_label("Stillingsgruppe", exact=True)).to_have_value("sagsbehandlere")

    consent = tab_to(page, "Jeg har læst privatlivsteksten")
    assert consent["tag"] == "input"
    page.keyboard.press("Space")
    expect(page.get_by_label("Jeg har læst privatlivsteksten")).to_be_checked()
    tab_to(page, "Send tilmelding")
    screenshot(page, "on-submit")
    page.keyboard.press("Enter")

    expect_result(page, "Du er tilmeldt", CONFIRMED, CONFIRMED)
    assert assert_focus_visible(page)["tag"] == "h3"
    screenshot(page, "result")
    registration = Registration.objects.get(event=programme.open)
    assert (registration.email, registration.status) == (
        "dorte@kommune.example",
        RegistrationStatus.CONFIRMED,
    )
    assert registration.municipality.name == "Aarhus"
    mail_to(smtp_sink, "dorte@kommune.example", f"Tilmelding bekræftet: {programme.open.title}")
    assert_no_problems(page)
