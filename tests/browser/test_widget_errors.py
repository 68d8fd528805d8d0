"""What the events widget says when a sign-up or a load goes wrong, on a partner's page (another
origin, a strict CSP): fields missing or refused by the server (400), an event that filled up
while the form was open (409), too many sign-ups (429), a lost connection and its retry
(idempotent: one registration), the server unavailable (503), a list that cannot load.

Each error is focused and announced where the person is, the form keeps what they typed, and
the database holds what the server decided. The console reports the failed request the test
caused, and nothing else.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from events.models import Registration, RegistrationStatus
from events.registrations.limits import MANAGER_REQUESTS_PER_DAY
from tests.browser.widget_data import CONTACT
from tests.browser.widget_host import (
    assert_no_problems,
    axe_violations,
    connection_failed,
    expect_state,
    fill_person,
    live_region,
    open_form,
    status_failed,
    widget,
)
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (page tree, municipalities).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIGN_UPS = "**/api/v1/events/*/registrations/"


def open_sign_up(page, host, event) -> None:
    page.goto(f"{host.page(partner='vive')}#arrangement-{event.pk}")
    expect_state(page, "detail")
    open_form(page, "Tilmeld dig")


def summary(page):
    """The box above the form that sums up what is wrong."""
    return page.locator("videnscenter-events [part=error]")


def expect_problem(page, text: str) -> None:
    """The box says ``text``, has the focus and is announced; the form is still there."""
    expect(summary(page)).to_have_text(text)
    expect(summary(page)).to_be_focused()
    expect(live_region(page)).to_have_text(text)
    expect(page.get_by_role("form")).to_be_visible()


def test_missing_and_refused_fields_are_shown_at_each_field_and_in_the_summary(
    widget_page, widget_host, programme, screenshot
):
    page = widget_page
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    open_sign_up(page, widget_host, programme.open)

    page.get_by_role("button", name="Send tilmelding").click()
    required = {
        "Navn": "Navn: skal udfyldes.",
        "E-mail": "E-mail: skal udfyldes.",
        "Arbejdsplads": "Arbejdsplads: skal udfyldes.",
        "Kommune": "Kommune: skal udfyldes.",
        "Stillingsgruppe": "Stillingsgruppe: skal udfyldes.",
    }
    expect(summary(page)).to_be_focused()
    expect(summary(page).get_by_role("listitem")).to_have_count(len(required) + 1)
    for label, message in required.items():
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(message)
        expect(summary(page).get_by_role("link", name=message)).to_be_visible()
    consent = page.get_by_label("Jeg har læst privatlivsteksten")
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Telefon (valgfrit)")).not_to_have_attribute("aria-invalid", "true")
    expect(live_region(page)).to_contain_text("Ret venligst følgende: Navn: skal udfyldes.")
    assert posts == []  # nothing was sent
    assert axe_violations(page) == []
    screenshot(page, "missing")

    # An address the browser's type=email takes but the centre will not write to.
    fill_person(page, email="anna@localhost")
    page.get_by_role("button", name="Send tilmelding").click()
    refused = "E-mail: skriv en e-mailadresse på internettet (et domænenavn, ikke en IP-adresse)."
    expect(summary(page)).to_contain_text(refused)
    expect(summary(page)).to_be_focused()
    email = page.get_by_label("E-mail", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(refused)
    expect(email).to_have_value("anna@localhost")
    for label in ("Navn", "Arbejdsplads", "Kommune"):
        expect(page.get_by_label(label, exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Navn", exact=True)).to_have_accessible_description("")
    expect(live_region(page)).to_contain_text(refused)
    assert axe_violations(page) == []
    screenshot(page, "refused")

    # The summary's entry leads to the field.
    summary(page).get_by_role("link", name=refused).click()
    expect(email).to_be_focused()
    assert len(posts) == 1
    assert not Registration.objects.filter(event=programme.open).exists()
    assert_no_problems(page, status_failed(400, "/registrations/"))


def test_event_that_filled_up_while_the_form_was_open_says_so(
    widget_page, widget_host, programme, vive, screenshot
):
    event = build_event(
        vive,
        title="Workshop med én plads",
        capacity=1,
        waiting_list_enabled=False,
        contact_email=CONTACT,
    )
    page = widget_page
    open_sign_up(page, widget_host, event)
    fill_person(page, email="anna@kommune.example")
    sign_up(event, email="hurtigere@kommune.example")  # someone else took the last seat

    page.get_by_role("button", name="Send tilmelding").click()
    expect_problem(
        page,
        "Tilmelding er ikke mulig lige nu: Arrangementet er fuldt, og der er ingen venteliste. "
        f"Kontakt arrangøren, hvis du har spørgsmål: {CONTACT}.",
    )
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("anna@kommune.example")
    screenshot(page, "full")
    assert list(event.registrations.values_list("email", flat=True)) == [
        "hurtigere@kommune.example"
    ]
    assert_no_problems(page, status_failed(409, "/registrations/"))


def test_too_many_sign_ups_from_one_connection_are_explained(
    widget_page, widget_host, programme, settings, screenshot
):
    # One sign-up a day per address (a day, so the two below never straddle a window).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "1/day"},
    }
    page = widget_page
    open_sign_up(page, widget_host, programme.open)
    fill_person(page, email="anna@kommune.example")
    page.get_by_role("button", name="Send tilmelding").click()
    expect(page.get_by_role("heading", name="Du er tilmeldt")).to_be_focused()

    page.goto(f"{widget_host.page(partner='vive')}#arrangement-{programme.waiting.pk}")
    expect_state(page, "detail")
    open_form(page, "Skriv dig på ventelisten")
    fill_person(page, email="anna@kommune.example")
    page.get_by_role("button", name="Skriv mig på ventelisten").click()
    expect(summary(page)).to_be_focused()
    throttled = re.compile(
        r"^For mange tilmeldinger fra denne adresse\. Prøv igen om \d+ sekunder\. "
        r"Der er sendt for mange tilmeldinger fra din forbindelse\. Vent lidt, og prøv igen – "
        r"dine oplysninger står stadig i formularen\.$"
    )
    expect(summary(page)).to_have_text(throttled)
    expect(live_region(page)).to_have_text(throttled)
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Anna Andersen")
    expect(page.get_by_label("Kommune", exact=True)).to_have_value("0101")
    screenshot(page, "throttled")
    assert not Registration.objects.filter(event=programme.waiting, email="anna@kommune.example")
    assert_no_problems(page, status_failed(429, "/registrations/"))


def test_managers_address_at_its_daily_limit_is_named_at_its_field(
    widget_page, widget_host, programme, screenshot
):
    """A staff group's application is refused (429) when the manager's address has had its
    requests for today: the answer names that field and says to try tomorrow, which is what
    the person must read, not the advice about too many sign-ups from their connection."""
    for number in range(MANAGER_REQUESTS_PER_DAY):
        sign_up(
            programme.staff,
            email=f"kollega{number}@kommune.example",
            participants=2,
            unit="Familieafdelingen",
            manager_name="Lene Leder",
            manager_email="lene@kommune.example",
        )
    page = widget_page
    page.goto(f"{widget_host.page(partner='vive')}#arrangement-{programme.staff.pk}")
    expect_state(page, "detail")
    open_form(page, "Ansøg for en medarbejdergruppe")
    fill_person(page, email="carl@kommune.example", name="Carl Christensen", group=True)
    page.get_by_label("Enhed eller team").fill("Børne- og familieafdelingen")
    page.get_by_label("Antal deltagere").fill("4")
    page.get_by_label("Lederens navn").fill("Lene Leder")
    page.get_by_label("Lederens e-mail").fill("lene@kommune.example")
    page.get_by_role("button", name="Send ansøgning").click()

    limit = (
        "Lederens e-mail: adressen har fået så mange anmodninger om forankring i dag, som der "
        "kan sendes. Prøv igen i morgen, eller kontakt arrangøren."
    )
    expect(summary(page)).to_be_focused()
    expect(summary(page)).to_contain_text(limit)
    expect(summary(page)).not_to_contain_text("fra din forbindelse")
    manager = page.get_by_label("Lederens e-mail")
    expect(manager).to_have_attribute("aria-invalid", "true")
    expect(manager).to_have_accessible_description(limit)
    screenshot(page, "limit")
    assert programme.staff.registrations.count() == MANAGER_REQUESTS_PER_DAY
    assert_no_problems(page, status_failed(429, "/registrations/"))


def test_lost_connection_then_retry_registers_once(
    widget_page, widget_host, programme, smtp_sink, screenshot
):
    """The server took the first sign-up but its answer never arrived: the retry carries the
    same Idempotency-Key and gets the first answer; nobody is signed up, or mailed, twice."""
    page = widget_page
    keys = []

    def lose_the_answer(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            assert route.fetch().status == 201  # the server registered the person …
            route.abort()  # … and the browser never heard
        else:
            route.continue_()

    page.route(SIGN_UPS, lose_the_answer)
    open_sign_up(page, widget_host, programme.open)
    fill_person(page, email="anna@kommune.example")
    page.get_by_role("button", name="Send tilmelding").click()
    lost = (
        "Tilmeldingen kunne ikke sendes, fordi der ikke var forbindelse. Tjek din "
        "internetforbindelse, og prøv igen – dine oplysninger står stadig i formularen, og du "
        "bliver ikke tilmeldt to gange."
    )
    elsewhere = (
        "Virker det stadig ikke, kan du tilmelde dig på videnscentrets egen side for arrangementet."
    )
    expect(summary(page)).to_have_text(f"{lost}{elsewhere} {programme.open.title}")
    expect(summary(page)).to_be_focused()
    expect(live_region(page)).to_contain_text(lost)
    expect(page.get_by_role("form")).to_be_visible()
    # The way round (also for a site the centre takes no sign-ups from, which looks the same
    # to a script): the event's own page on the centre's site.
    way_round = summary(page).get_by_role("link", name=programme.open.title)
    own_page = re.compile(rf"/arrangementer/{programme.open.pk}/$")
    expect(way_round).to_have_attribute("href", own_page)
    expect(page.get_by_role("button", name="Send tilmelding")).to_be_enabled()
    screenshot(page, "lost")

    page.get_by_role("button", name="Send tilmelding").click()
    expect(page.get_by_role("heading", name="Du er tilmeldt")).to_be_focused()
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) >= 16
    registration = Registration.objects.get(event=programme.open)
    assert (registration.email, registration.status) == (
        "anna@kommune.example",
        RegistrationStatus.CONFIRMED,
    )
    confirmations = [m for m in smtp_sink.messages if "anna@kommune.example" in m["To"]]
    assert len(confirmations) == 1
    assert_no_problems(page, connection_failed("/registrations/"))


def test_retry_after_correcting_a_field_is_a_new_sign_up_not_a_reused_key(
    widget_page, widget_host, programme, screenshot
):
    """The answer was lost; the person then corrects a typo and sends again. That is another
    request, so another Idempotency-Key: the server, which has their address already, answers
    as to a new sign-up and keeps the one registration (the same key with other data is a 400
    about the key, which no visitor can act on)."""
    page = widget_page
    keys = []

    def lose_the_first_answer(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            assert route.fetch().status == 201
            route.abort()
        else:
            route.continue_()

    page.route(SIGN_UPS, lose_the_first_answer)
    open_sign_up(page, widget_host, programme.open)
    fill_person(page, email="anna@kommune.example", name="Ana Andersen")
    page.get_by_role("button", name="Send tilmelding").click()
    expect(summary(page)).to_contain_text("der ikke var forbindelse")

    page.get_by_label("Navn", exact=True).fill("Anna Andersen")
    page.get_by_role("button", name="Send tilmelding").click()
    expect(page.get_by_role("heading", name="Du er tilmeldt")).to_be_focused()
    screenshot(page, "corrected")
    assert len(keys) == 2 and keys[0] != keys[1]
    assert list(programme.open.registrations.values_list("email", flat=True)) == [
        "anna@kommune.example"
    ]
    assert_no_problems(page, connection_failed("/registrations/"))


def test_server_unavailable_is_explained_and_the_form_kept(
    widget_page, widget_host, programme, screenshot
):
    page = widget_page

    def unavailable(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=503,
            headers={"Access-Control-Allow-Origin": widget_host.origin, "Retry-After": "30"},
            json={"detail": "Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt."},
        )

    page.route(SIGN_UPS, unavailable)
    open_sign_up(page, widget_host, programme.open)
    fill_person(page, email="anna@kommune.example")
    page.get_by_role("button", name="Send tilmelding").click()
    expect_problem(
        page,
        "Tilmeldingen svarer ikke lige nu. Prøv igen om lidt – dine oplysninger står stadig i "
        "formularen.",
    )
    expect(page.get_by_label("Arbejdsplads", exact=True)).to_have_value("Familieafdelingen")
    screenshot(page, "unavailable")
    assert not Registration.objects.filter(event=programme.open).exists()

    page.unroute(SIGN_UPS)
    page.get_by_role("button", name="Send tilmelding").click()
    expect(page.get_by_role("heading", name="Du er tilmeldt")).to_be_focused()
    assert Registration.objects.filter(event=programme.open).count() == 1
    assert_no_problems(page, status_failed(503, "/registrations/"))


def test_what_cannot_load_offers_to_try_again(widget_page, widget_host, programme, screenshot):
    page = widget_page
    page.route("**/api/v1/events/?*", lambda route: route.abort())
    page.goto(widget_host.page(partner="vive"))
    expect_state(page, "error")
    alert = widget(page).get_by_role("alert")
    expect(alert).to_have_text(
        "Arrangementerne kunne ikke hentes. Tjek din forbindelse, og prøv igen.Prøv igen"
    )
    assert axe_violations(page) == []
    screenshot(page, "list-failed")

    page.unroute("**/api/v1/events/?*")
    alert.get_by_role("button", name="Prøv igen").click()
    expect_state(page, "list")

    # The form's lists (municipalities, job roles) did not come either.
    page.route("**/api/v1/municipalities/*", lambda route: route.abort())
    page.get_by_role("link", name=programme.open.title, exact=True).click()
    page.get_by_role("button", name="Tilmeld dig").click()
    expect(alert).to_contain_text("Tilmeldingsformularen kunne ikke hentes.")
    expect(page.get_by_role("form")).to_have_count(0)
    page.unroute("**/api/v1/municipalities/*")
    alert.get_by_role("button", name="Prøv igen").click()
    expect(page.get_by_label("Navn", exact=True)).to_be_focused()
    assert_no_problems(
        page, connection_failed("/api/v1/events/?"), connection_failed("/api/v1/municipalities/")
    )
