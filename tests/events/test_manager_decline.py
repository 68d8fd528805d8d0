"""The manager may decline as well as confirm (by the link in their email), and is told the
organiser's decision; the applicant is told of the manager's decline, with their reason."""

from __future__ import annotations

import pytest
from django.test import Client

from events.errors import EventsError
from events.models import OutboundEmail
from events.registrations.applications import (
    application_approve,
    application_decline,
    application_manager_confirm,
    application_manager_decline,
)
from events.registrations.seats import seats_taken
from tests.events.registrations import apply_group, emails_to, vocabulary  # noqa: F401
from tests.events.test_registration_pages import csrf_post, path

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    return event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")


@pytest.fixture
def application(course):
    return apply_group(
        course, participants=6, name='Anna =HYPERLINK("x") Ansøger', workplace="Team <b>Nord</b>"
    ).registration


def test_the_manager_declines_with_a_reason_and_the_applicant_is_told(course, application):
    application_manager_decline(registration=application, reason="  Ingen tid i foråret.  ")
    application.refresh_from_db()
    assert application.status == "cancelled"
    assert application.cancel_reason == "manager_declined"
    assert application.get_cancel_reason_display() == "Afvist af lederen"
    assert application.manager_decline_reason == "Ingen tid i foråret."
    assert seats_taken(course.pk) == 0
    email = OutboundEmail.objects.get(to=application.email, kind="manager_declined")
    assert "Ingen tid i foråret." in email.body_text
    assert "Lederen har afvist" in email.subject
    # Nothing more to the manager than the request they had.
    assert emails_to(application.manager_email) == ["manager_request"]
    # A repeat (a double click) changes nothing and writes nothing.
    application_manager_decline(registration=application, reason="igen")
    assert OutboundEmail.objects.filter(kind="manager_declined").count() == 1


def test_once_anchored_the_manager_can_no_longer_decline(application):
    application_manager_confirm(registration=application)
    with pytest.raises(EventsError) as caught:
        application_manager_decline(registration=application)
    assert caught.value.code == "manager_decided"


def test_an_over_long_reason_is_refused_naming_the_field(application):
    with pytest.raises(EventsError) as caught:
        application_manager_decline(registration=application, reason="x" * 1001)
    assert (caught.value.code, caught.value.field) == ("manager_reason_too_long", "reason")
    application.refresh_from_db()
    assert application.status == "pending"


def test_the_manager_is_told_the_organisers_approval(application):
    application_manager_confirm(registration=application)
    application_approve(registration=application)
    email = OutboundEmail.objects.get(to=application.manager_email, kind="manager_told_approved")
    assert "godkendt" in email.subject
    # Nothing the applicant typed reaches the address they typed.
    for typed in ("Anna", "HYPERLINK", "Nord", application.email):
        assert typed not in email.body_text and typed not in email.body_html
    assert application.token not in email.body_text
    assert application.manager_confirm_url() in email.body_text


def test_the_manager_is_told_the_organisers_decline_once_they_anchored(course, application):
    other = apply_group(course, participants=2).registration
    application_manager_confirm(registration=application)
    application_decline(registration=application)
    email = OutboundEmail.objects.get(to=application.manager_email, kind="manager_told_declined")
    assert "ikke imødekommet" in email.subject
    assert "Anna" not in email.body_text
    # A manager who never anchored the application took no part in it: not told.
    application_decline(registration=other)
    assert emails_to(other.manager_email) == ["manager_request"]


def test_the_managers_page_declines_by_post_with_csrf(application):
    browser = Client(enforce_csrf_checks=True)
    url = path(application.manager_confirm_url())
    page = browser.get(url).content.decode()
    assert "Afvis" in page and 'name="reason"' in page
    assert browser.post(url, {"action": "decline"}).status_code == 403
    response = csrf_post(browser, url, {"action": "decline", "reason": "Ikke nu"})
    assert response.status_code == 200
    assert "Du har afvist ansøgningen" in response.content.decode()
    application.refresh_from_db()
    assert application.cancel_reason == "manager_declined"
    # Declining again, or confirming afterwards, is a clear Danish answer, never a 500.
    response = csrf_post(browser, url, {"action": "confirm"})
    assert response.status_code == 409
    assert "allerede behandlet" in response.content.decode()


def test_a_huge_reason_on_the_page_is_a_400_naming_the_field(application):
    browser = Client(enforce_csrf_checks=True)
    url = path(application.manager_confirm_url())
    response = csrf_post(browser, url, {"action": "decline", "reason": "x" * 100_000})
    assert response.status_code == 400
    assert "Begrundelse: højst 1000 tegn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "pending"
