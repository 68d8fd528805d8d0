"""A moderator's steps on one registration: the detail page with its actions and local times,
cancelling with a reason the registrant reads, attendance only once the event has begun."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.errors import EventsError
from events.models import EventPage, OutboundEmail, Registration
from events.registrations.services import registration_cancel
from tests.events.conftest import local
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

REASON = "Arrangementet er kun for ansatte i kommunernes familieafdelinger."


@pytest.fixture
def webinar(event_of, vive):
    return event_of(
        vive,
        title="VIVE-webinar om børnesamtaler",
        capacity=1,
        sessions=[{"start": local(2027, 3, 9, 10), "end": local(2027, 3, 9, 12)}],
    )


@pytest.fixture
def anna(webinar):
    return sign_up(webinar, name="Anna Andersen", email="anna@kommune.example").registration


def inspect_url(registration, namespace="registrations"):
    return reverse(f"{namespace}:inspect", args=[registration.pk])


def cancel_url(registration, namespace="registrations"):
    return reverse(f"{namespace}:action", args=[registration.pk, "cancel"])


# --- the detail page ---------------------------------------------------------------------


def test_the_detail_page_is_headed_by_the_event_and_offers_its_actions(
    client, vive_moderator, anna
):
    Registration.objects.filter(pk=anna.pk).update(
        created_at=local(2027, 1, 5, 9, 30)  # 08:30 UTC
    )
    client.force_login(vive_moderator)
    body = client.get(inspect_url(anna)).content.decode()

    assert "Tilmelding: VIVE-webinar om børnesamtaler" in body
    assert "Anna Andersen" in body
    assert "5. januar 2027 kl. 09.30" in body  # Copenhagen time, not UTC
    assert "08.30" not in body and "+00:00" not in body
    assert cancel_url(anna) + "?next=inspect" in body
    assert ">Annullér<" in body or "Annullér\n" in body
    # Attendance is for events that have begun.
    assert reverse("registrations:action", args=[anna.pk, "attend"]) not in body


def test_an_application_is_headed_and_listed_as_an_application(
    client, event_of, vive, vive_moderator
):
    course = event_of(
        vive,
        title="Rådgivningsforløb",
        participation="staff_group",
        capacity=10,
        event_type="advisory_course",
    )
    application = apply_group(course).registration
    client.force_login(vive_moderator)

    listing = client.get(reverse("applications:index")).content.decode()
    assert "<h1" in listing and "Ansøgninger" in listing.split("<h1", 1)[1].split("</h1>")[0]
    page = client.get(inspect_url(application, "applications")).content.decode()
    assert "Ansøgning: Rådgivningsforløb" in page
    assert reverse("applications:index") in page  # the way back names the applications


@pytest.mark.parametrize("who", ["bv_editor", "bv_moderator"])
def test_another_partner_gets_no_detail_page_and_no_action(client, request, who, anna):
    client.force_login(request.getfixturevalue(who))
    for url in (inspect_url(anna), cancel_url(anna)):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert "Anna Andersen" not in response.content.decode()
        assert "anna@kommune.example" not in response.content.decode()
    assert client.post(cancel_url(anna), {"reason": REASON}).status_code == 404
    anna.refresh_from_db()
    assert anna.status == "confirmed"


def test_an_editor_sees_the_detail_page_without_actions(client, vive_editor, anna):
    client.force_login(vive_editor)
    body = client.get(inspect_url(anna)).content.decode()
    assert "Anna Andersen" in body
    assert cancel_url(anna) not in body


def test_column_headings_are_in_one_style(client, vive_moderator, anna):
    client.force_login(vive_moderator)
    response = client.get(reverse("registrations:index"))
    labels = [str(column.label) for column in response.context["view"].columns if column.label]
    assert labels and all(label[0].isupper() for label in labels), labels


# --- cancelling with a reason --------------------------------------------------------------


def test_the_moderator_must_give_a_reason_and_the_email_says_the_centre_cancelled(
    client, vive_moderator, anna, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(vive_moderator)
    form = client.get(cancel_url(anna)).content.decode()
    assert "Begrundelse til deltageren" in form

    for reason in ("", "   ", "x" * 1001, "Lukket\x00"):
        response = client.post(cancel_url(anna), {"reason": reason})
        assert response.status_code == 400
        assert "Begrundelse: " in response.content.decode()
    anna.refresh_from_db()
    assert anna.status == "confirmed"
    assert not OutboundEmail.objects.filter(kind="cancelled").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(anna) + "?next=inspect", {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == inspect_url(anna)
    anna.refresh_from_db()
    assert (anna.status, anna.cancel_reason) == ("cancelled", "organiser")

    [message] = [m for m in smtp_sink.messages if m["To"] == "anna@kommune.example"][-1:]
    assert message["Subject"].strip() == (
        "Centret har annulleret din tilmelding: VIVE-webinar om børnesamtaler"
    )
    parts = {part.get_content_type(): part for part in message.walk()}
    text = parts["text/plain"].get_content()
    assert "Videnscentret har annulleret din tilmelding til arrangementet." in text
    assert f"Centrets begrundelse: {REASON}" in text
    assert "Afmelding bekræftet" not in message["Subject"]
    assert f"Centrets begrundelse: {REASON}" in parts["text/html"].get_content()
    assert parts["text/calendar"].get_param("method") == "CANCEL"


def test_a_registrants_own_cancellation_still_reads_as_theirs(anna):
    registration_cancel(registration=anna)
    email = OutboundEmail.objects.get(kind="cancelled", to="anna@kommune.example")
    assert email.subject == "Afmelding bekræftet: VIVE-webinar om børnesamtaler"
    assert "Centret" not in email.body_text


def test_the_service_refuses_an_organiser_cancellation_without_a_reason(anna):
    with pytest.raises(EventsError) as error:
        registration_cancel(registration=anna, reason="organiser")
    assert (error.value.code, error.value.field) == ("cancel_reason_required", "reason")
    anna.refresh_from_db()
    assert anna.status == "confirmed"


def test_bulk_cancel_asks_for_one_reason_and_sends_it_to_each(
    client, vive_moderator, webinar, anna
):
    sign_up(webinar, name="Bo Berg", email="bo@kommune.example")  # first on the waiting list
    cecilie = sign_up(webinar, name="Cecilie Holm", email="cecilie@kommune.example").registration
    url = (
        reverse("wagtail_bulk_action", args=["events", "registration", "cancel"])
        + f"?id={anna.pk}&id={cecilie.pk}&next=/admin/registrations/"
    )
    client.force_login(vive_moderator)
    assert "Begrundelse til deltageren" in client.get(url).content.decode()

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Begrundelse: skriv, hvorfor tilmeldingen annulleres." in refused.content.decode()
    assert Registration.objects.filter(status="cancelled").count() == 0

    client.post(url, {"reason": REASON})
    for person in ("anna@kommune.example", "cecilie@kommune.example"):
        email = OutboundEmail.objects.get(kind="cancelled", to=person)
        assert email.subject.startswith("Centret har annulleret din tilmelding")
        assert f"Centrets begrundelse: {REASON}" in email.body_text
        # A place on the waiting list was never in the calendar: nothing to remove.
        assert ("Kalenderfilen" in email.body_text) == (person == "anna@kommune.example")


# --- attendance once the event has begun --------------------------------------------------


def test_attendance_is_offered_once_the_event_has_begun(client, vive_moderator, webinar, anna):
    attend = reverse("registrations:action", args=[anna.pk, "attend"])
    client.force_login(vive_moderator)
    assert attend not in client.get(reverse("registrations:index")).content.decode()
    assert "Registrér fremmøde" not in client.get(inspect_url(anna)).content.decode()

    EventPage.objects.filter(pk=webinar.pk).update(
        first_start=timezone.now() - timedelta(minutes=5)
    )
    assert attend in client.get(reverse("registrations:index")).content.decode()
    assert "Registrér fremmøde" in client.get(inspect_url(anna)).content.decode()
