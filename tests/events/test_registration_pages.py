"""The registrant's Danish pages where the email links land, and the personal calendar feed."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from events.models import RegistrantFeedKey, Registration
from events.registrations.services import registrant_feed_key_rotate
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def browser():
    """A client that checks CSRF as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def csrf_post(browser, url, data=None):
    page = browser.get(url)
    token = page.context["csrf_token"]
    return browser.post(url, {"csrfmiddlewaretoken": str(token), **(data or {})})


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, capacity=1, title="Webinar om børnesamtaler")


def path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_my_registration_page_is_danish_and_links_onwards(browser, webinar):
    registration = sign_up(webinar, name="Anna Andersen").registration
    response = browser.get(path(registration.manage_url()))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in content
    assert "Webinar om børnesamtaler" in content and "Anna Andersen" in content
    assert path(registration.cancel_url()) in content
    assert path(registration.data_url()) in content
    assert "noindex" in response["X-Robots-Tag"]
    assert browser.get("/tilmelding/ukendt-token/").status_code == 404


def test_cancel_link_asks_first_and_needs_the_csrf_token(browser, webinar):
    registration = sign_up(webinar).registration
    waiting = sign_up(webinar).registration
    url = path(registration.cancel_url())
    page = browser.get(url)
    assert "<form" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # following the link alone cancels nothing
    assert browser.post(url).status_code == 403
    response = csrf_post(browser, url)
    assert response.status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == "cancelled"
    assert waiting.status == "confirmed"
    assert emails_to(waiting.email)[-1] == "promoted"
    assert "annulleret" in browser.get(response["Location"]).content.decode()


def test_manager_confirms_the_anchoring_by_link(browser, event_of, vive):
    course = event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")
    application = apply_group(course, participants=8).registration
    url = path(application.manager_confirm_url())
    page = browser.get(url)
    assert "Bekræft forankringen" in page.content.decode()
    assert browser.post(url).status_code == 403
    response = csrf_post(browser, url)
    assert response.status_code == 200
    assert "Forankringen er bekræftet" in response.content.decode()
    application.refresh_from_db()
    assert application.manager_confirmed_at is not None
    assert application.status == "pending"  # the organiser still decides
    # The registrant's own token is not the manager's: it cannot confirm.
    assert browser.get(f"/tilmelding/ledelse/{application.token}/").status_code == 404


def test_my_registrations_list_every_event_and_the_personal_feed(browser, event_of, vive):
    first = event_of(vive, capacity=5, title="Første webinar")
    second = event_of(
        vive,
        capacity=5,
        title="Andet webinar",
        format="physical",
        venue_name="Kulturhuset",
        venue_city="Aarhus",
        join_url="",
    )
    full = event_of(vive, capacity=1, title="Fuldt webinar")
    mine = sign_up(first, email="anna@kommune.example").registration
    sign_up(second, email="anna@kommune.example")
    sign_up(full, email="andre@kommune.example")
    sign_up(full, email="anna@kommune.example")  # on the waiting list
    cancelled = event_of(vive, capacity=5, title="Afmeldt webinar")
    from events.registrations.services import registration_cancel

    registration_cancel(registration=sign_up(cancelled, email="anna@kommune.example").registration)

    page = browser.get(path(mine.mine_url()))
    content = page.content.decode()
    for title in ("Første webinar", "Andet webinar", "Fuldt webinar"):
        assert title in content
    feed_url = page.context["feed_url"]
    assert "webcal://" in content

    feed = browser.get(path(feed_url))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert "private" in feed["Cache-Control"]
    calendar = Calendar.from_ical(feed.content)
    summaries = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(summaries) >= {"Første webinar", "Andet webinar", "Fuldt webinar"}
    assert not any("Afmeldt" in s for s in summaries)
    # The join link only where confirmed and online: not for the waiting list's event.
    with_link = {
        title
        for title, vevent in summaries.items()
        if "hemmeligt-link" in vevent.to_ical().decode().replace("\r\n ", "")
    }
    assert with_link == {"Første webinar"}

    # An event made private (here: a password) after the sign-up leaves the personal feed too.
    PageViewRestriction.objects.create(
        page=second, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    calendar = Calendar.from_ical(browser.get(path(feed_url)).content)
    assert "Andet webinar" not in {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_a_new_feed_link_revokes_the_old_one(browser, webinar):
    registration = sign_up(webinar).registration
    old = browser.get(path(registration.mine_url())).context["feed_url"]
    assert browser.get(path(old)).status_code == 200
    response = csrf_post(browser, path(registration.mine_url()))
    assert response.status_code == 302
    new = browser.get(path(registration.mine_url())).context["feed_url"]
    assert new != old
    assert browser.get(path(old)).status_code == 404
    assert browser.get(path(new)).status_code == 200
    assert browser.get("/feeds/me/forfalsket:token.ics").status_code == 404


def test_download_my_data_then_delete_it(browser, event_of, vive, webinar):
    other = event_of(vive, capacity=5, title="Andet webinar")
    registration = sign_up(webinar, email="anna@kommune.example", name="Anna Andersen").registration
    waiting = sign_up(webinar, email="bo@kommune.example").registration
    sign_up(other, email="anna@kommune.example", accessibility_needs="Tolk")
    registrant_feed_key_rotate(email="anna@kommune.example")

    download = browser.get(path(registration.data_url()), {"format": "json"})
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(download.content)
    assert data["email"] == "anna@kommune.example"
    assert {r["event"]["title"] for r in data["registrations"]} == {
        "Webinar om børnesamtaler",
        "Andet webinar",
    }
    assert any(r["accessibility_needs"] == "Tolk" for r in data["registrations"])

    response = csrf_post(browser, path(registration.data_url()))
    assert response.status_code == 200
    assert "slettet" in response.content.decode()
    rows = Registration.objects.filter(
        pk__in=[r.pk for r in Registration.objects.exclude(email="bo@kommune.example")]
    )
    assert not rows.filter(email="anna@kommune.example").exists()
    assert all(r.anonymised_at and r.name == "" for r in rows)
    assert all(r.status == "cancelled" for r in rows)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"  # Anna's seat went on
    assert not RegistrantFeedKey.objects.filter(email="anna@kommune.example").exists()
    assert browser.get(path(registration.manage_url())).status_code == 404
