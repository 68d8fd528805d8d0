"""The offer of a seat from the waiting list, followed from its email in a real Chromium: the
page shows the offer and its deadline (following the link claims nothing), and "Tag pladsen"
claims it; dev settings on plain HTTP and production settings over HTTPS behind a proxy."""

from __future__ import annotations

import pytest

from events.models import Registration, RegistrationStatus
from events.registrations.services import registration_cancel
from tests.browser import test_registrant_forms as registrant_forms
from tests.browser.test_registrant_forms import (
    assert_posts_came_from_the_site,
    links_in_email_to,
    submit,
)
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

# The registrant pages' fixtures: the site in both modes, and a page that records its posts.
site = registrant_forms.site
open_page = registrant_forms.open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_offered_person_opens_the_offer_and_takes_the_seat(
    site,
    open_page,
    smtp_sink,
    vive,
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    event = build_event(
        vive, title="Kursus i børnesamtaler", capacity=1, waiting_list_offer_hours=48
    )
    first = sign_up(event, email="forste@kommune.example").registration
    sign_up(event, email="olga@kommune.example", name="Olga Offer")
    registration_cancel(registration=first)
    olga = Registration.objects.get(email="olga@kommune.example")
    assert olga.status == RegistrationStatus.OFFERED
    [offer_link] = [link for link in links_in_email_to(smtp_sink, olga.email) if "/tilbud/" in link]
    assert offer_link.startswith(site.url)

    page = open_page()
    response = page.goto(offer_link)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "same-origin"
    assert page.locator("h1").text_content() == "Tilbud om en plads"
    main = page.locator("main").text_content()
    assert "Kursus i børnesamtaler" in main and "senest" in main
    olga.refresh_from_db()
    assert olga.status == RegistrationStatus.OFFERED  # opening the link claimed nothing

    submit(page, "Tag pladsen")
    assert page.url == offer_link
    assert "Du har en plads og er tilmeldt" in page.locator("main").text_content()
    olga.refresh_from_db()
    assert olga.status == RegistrationStatus.CONFIRMED
    subjects = [m["Subject"] for m in smtp_sink.messages if olga.email in m["To"]]
    assert "Du kan få en plads: Kursus i børnesamtaler" in subjects
    assert "Tilmelding bekræftet: Kursus i børnesamtaler" in subjects

    assert_posts_came_from_the_site(page, site)
    assert len(page.posts) == 1
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def test_the_offered_person_says_no_thanks_and_the_next_is_offered(
    site,
    open_page,
    smtp_sink,
    vive,
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    event = build_event(vive, title="Webinar om netværk", capacity=1, waiting_list_offer_hours=24)
    first = sign_up(event, email="forste@kommune.example").registration
    sign_up(event, email="olga@kommune.example")
    sign_up(event, email="niels@kommune.example")
    registration_cancel(registration=first)
    [offer_link] = [
        link for link in links_in_email_to(smtp_sink, "olga@kommune.example") if "/tilbud/" in link
    ]
    page = open_page()
    page.goto(offer_link)
    submit(page, "Nej tak")
    assert "Du har sagt nej tak" in page.locator("main").text_content()
    assert Registration.objects.get(email="niels@kommune.example").status == "offered"
    assert_posts_came_from_the_site(page, site)
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems
