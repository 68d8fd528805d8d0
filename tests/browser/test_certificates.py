"""A participant opens the link in their certificate email, downloads the PDF and follows the
verification link; a stranger's wrong code gets a Danish 404; the organiser's moderator sees who
earned a certificate."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from events.courses.certificates import certificates_issue_due
from events.courses.services import attendance_set
from events.models import Certificate, EventPage, OutboundEmail
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_participant_downloads_and_verifies_the_certificate(
    browser, live_server, settings, vive, vive_moderator, page_for, screenshot
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
        completion_rule="all",
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}],
    )
    soeren = sign_up(course, name="Søren Ærø", email="soeren@kommune.example").registration
    aase = sign_up(course, name="Åse Østergaard", email="aase@kommune.example").registration
    start = timezone.now() - timedelta(days=14)
    for i, session in enumerate(course.sessions.order_by("sort_order")):
        begins = start + timedelta(days=7 * i)
        type(session).objects.filter(pk=session.pk).update(
            start=begins, end=begins + timedelta(hours=3)
        )
    EventPage.objects.filter(pk=course.pk).update(last_end=start + timedelta(days=7, hours=3))
    for session in course.sessions.all():
        attendance_set(
            session=session, registration=soeren, status="present", now=session.starts_at()
        )
        attendance_set(session=session, registration=aase, status="absent", now=session.starts_at())
    assert certificates_issue_due() == 1
    certificate = Certificate.objects.get()
    # The email as the outbox holds it (its delivery is tested in tests/events/).
    email = OutboundEmail.objects.get(kind="certificate")
    assert email.to == "soeren@kommune.example"
    prefix = "Hent dit kursusbevis: "
    [link] = [
        line[len(prefix) :] for line in email.body_text.splitlines() if line.startswith(prefix)
    ]

    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Dit kursusbevis")
    expect(page.locator("[data-name]")).to_have_text("Søren Ærø")
    expect(page.locator("main")).to_contain_text("Modul 2")
    with page.expect_download() as download_info:
        page.click("text=Hent kursusbevis (PDF)")
    pdf = download_info.value
    assert pdf.suggested_filename == "kursusbevis-kompetenceforlb-om-brnesamtaler.pdf"
    with open(pdf.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Søren Ærø" in text and certificate.code in text and "Modul 1" in text
    screenshot(page, "certificate")

    # The verification link on the page, as anyone who has the code would follow it.
    page.click(f"text=/bevis/{certificate.code}/")
    expect(page.locator("main")).to_contain_text("Kursusbeviset er gyldigt")
    expect(page.locator("[data-code]")).to_have_text(certificate.code)
    expect(page.locator("[data-name]")).to_have_text("Søren Ærø")
    expect(page.locator("main")).to_contain_text("Kompetenceforløb om børnesamtaler")
    screenshot(page, "certificate-verified")

    # A mistyped code: a Danish 404 that shows nothing of anyone's certificate.
    response = page.goto(f"{live_server.url}/bevis/ABCDEFGHJK/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Kursusbeviset blev ikke fundet")
    assert "Søren" not in page.content() and "Kompetenceforløb" not in page.content()
    context.close()

    # The organiser's moderator sees who earned one.
    admin = page_for(vive_moderator)
    admin.goto(f"{live_server.url}/admin/kursusbeviser/")
    admin.click("text=Kompetenceforløb om børnesamtaler")
    rows = admin.locator("table.listing tbody tr")
    expect(rows.filter(has_text="Søren Ærø")).to_contain_text("Ja")
    expect(rows.filter(has_text="Søren Ærø")).to_contain_text(certificate.code)
    expect(rows.filter(has_text="Åse Østergaard")).to_contain_text("Ikke udstedt endnu")
    assert certificate.token not in admin.content()


def test_the_organisers_moderator_sets_the_completion_rule_in_the_event_form(
    live_server, vive, vive_moderator, page_for, screenshot
):
    course = build_event(
        vive,
        title="Kompetenceforløb om børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        capacity=20,
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}],
    )
    page = page_for(vive_moderator)
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.click("#tab-label-materiale")
    expect(page.locator("label[for=id_completion_rule]")).to_contain_text("Kursusbevis")
    page.select_option("#id_completion_rule", label="Deltaget i mindst et antal sessioner")
    page.fill("#id_completion_min_sessions", "3")  # the course has two
    page.wait_for_load_state("networkidle")
    page.click("button:has-text('Gem kladde')")
    expect(page.locator("body")).to_contain_text(
        "Mindst antal sessioner: arrangementet har kun 2 sessioner."
    )
    page.click("#tab-label-materiale")
    page.fill("#id_completion_min_sessions", "2")
    with page.expect_navigation():
        page.click("button:has-text('Gem kladde')")
    screenshot(page, "completion-rule")
    draft = EventPage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert (draft.completion_rule, draft.completion_min_sessions) == ("at_least", 2)
