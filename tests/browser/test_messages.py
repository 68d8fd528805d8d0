"""A moderator writes to an event's participants in Chromium: from the registrations list,
compose (an unknown placeholder is refused in Danish), preview with the first person's name and
the count, send, and find the emails in the email log, sent; the SMTP sink got one each, with
the calendar file."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from events.models import EmailKind, OutboundEmail
from home.outbox import DeliveryStatus
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_moderator_composes_previews_sends_and_sees_it_in_the_log(
    page_for, live_server, smtp_sink, vive, vive_moderator, screenshot
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    course = build_event(
        vive,
        title="Kompetenceforløb om børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        capacity=2,
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}],
    )
    sign_up(course, name="Søren Ærø", email="soeren@kommune.example")
    sign_up(course, name="Åse Østergaard", email="aase@kommune.example")
    sign_up(course, name="Vera Venteliste", email="vera@kommune.example")

    page = page_for(vive_moderator)
    page.goto(f"{live_server.url}/admin/registrations/")
    page.click("text=Skriv til deltagerne")
    expect(page.locator("h1")).to_contain_text("Skriv til deltagerne")
    expect(page.locator('[data-count="confirmed"]')).to_have_text("2")
    expect(page.locator('[data-count="waiting"]')).to_have_text("1")

    page.check("input[name=audience][value=confirmed]")
    page.select_option("select[name=session]", label="Modul 2: " + _when(course, "Modul 2"))
    page.fill("input[name=subject]", "Praktisk om {modul}")
    page.fill("textarea[name=body]", "Kære {navn}\n\nHusk jeres sager til modul 2.")
    page.check("input[name=attach_calendar]")
    page.click("button[value=preview]")
    expect(page.locator("[data-message-errors]")).to_contain_text(
        "Emne: flettefeltet {modul} findes ikke"
    )
    assert not OutboundEmail.objects.filter(kind=EmailKind.MESSAGE).exists()

    page.fill("input[name=subject]", "Praktisk om {arrangement}")
    page.click("button[value=preview]")
    expect(page.locator("[data-recipient-count]")).to_contain_text(
        "Beskeden sendes til 2 modtagere"
    )
    expect(page.locator("[data-preview-subject]")).to_have_text(
        "Praktisk om Kompetenceforløb om børnesamtaler"
    )
    expect(page.locator("[data-preview-text]")).to_contain_text("Kære Søren Ærø")
    screenshot(page, "message-preview")

    page.click("button[value=send]")
    expect(page.locator("[data-message-sent]")).to_contain_text(
        "Beskeden er lagt i kø til 2 modtagere"
    )
    page.click("text=Se e-mails i loggen")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Praktisk om Kompetenceforløb om børnesamtaler")
    expect(rows.first).to_contain_text("Sendt")
    screenshot(page, "message-in-log")

    copies = OutboundEmail.objects.filter(kind=EmailKind.MESSAGE)
    assert set(copies.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    received = {m["To"]: m for m in smtp_sink.messages if m["Subject"].startswith("Praktisk")}
    assert set(received) == {"soeren@kommune.example", "aase@kommune.example"}
    assert "vera@kommune.example" not in received
    calendar = [
        part
        for part in received["aase@kommune.example"].walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(calendar) == 1 and "Modul 2" in calendar[0].get_payload(decode=True).decode()


def _when(event, title: str) -> str:
    from events.mail.compose import format_when

    return format_when(event.sessions.get(title=title))
