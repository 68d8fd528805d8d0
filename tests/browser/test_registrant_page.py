"""A registrant opens their own page from an email, in Chromium at 1366 px: every session,
who organises, when the join link comes, and a calendar file that opens. Screenshot in
test-artifacts/registrant-page/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from events.mail.compose import format_moment
from tests.events.conftest import build_event
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("vocabulary"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "registrant-page"
SECRET = "https://teams.example.com/meet/hemmeligt-link"


def test_the_registrant_reads_sessions_organiser_and_when_the_link_comes(
    browser, live_server, vive
):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start += timedelta(days=21)
    event = build_event(
        vive,
        title="Webinarrække om børnesamtaler",
        format="online",
        platform_name="Teams",
        join_url=SECRET,
        join_link_hours=24,
        sessions=[
            {"title": "Del 1", "start": start, "end": start + timedelta(hours=1)},
            {
                "title": "Del 2",
                "start": start + timedelta(days=7),
                "end": start + timedelta(days=7, hours=1),
            },
        ],
    )
    registration = sign_up(event, name="Anna Andersen").registration
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + urlsplit(registration.manage_url()).path)
    section = page.get_by_role("region", name="Om arrangementet")
    text = section.inner_text()
    assert "Del 1" in text and "Del 2" in text
    assert f"Arrangør: {vive.name}" in text
    due = event.first_start - timedelta(hours=24)
    assert f"Du får linket til at deltage på mail {format_moment(due)}." in text
    assert SECRET not in page.content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "1-registrant-page.png"), full_page=True)
    link = section.get_by_role("link", name="Læg arrangementet i din kalender (.ics)")
    assert link.get_attribute("href") == f"/feeds/events/{event.pk}.ics"
    ics = page.request.get(live_server.url + link.get_attribute("href"))
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert b"Del 2" in ics.body() and SECRET.encode() not in ics.body()
    context.close()
