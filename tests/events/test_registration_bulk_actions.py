"""Bulk actions and filters on registrations and applications in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from events.errors import EventsError
from events.models import EventSession, OutboundEmail, Registration, SessionAttendance
from events.registrations.applications import application_manager_confirm
from events.registrations.services import registration_attendance_set
from home.models import Audience, Municipality
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def bulk_url(action: str, registrations, next_url: str = "/admin/registrations/") -> str:
    ids = [("id", r.pk) for r in registrations]
    return (
        reverse("wagtail_bulk_action", args=["events", "registration", action])
        + "?"
        + urlencode([*ids, ("next", next_url)])
    )


@pytest.fixture
def full_event(event_of, vive):
    """Two seats taken, two on the waiting list."""
    event = event_of(vive, title="VIVE-webinar", capacity=2)
    for i in range(4):
        sign_up(event, email=f"vive{i}@kommune.example", name=f"VIVE-deltager {i}")
    return event


@pytest.fixture
def bv_event(event_of, bv):
    event = event_of(bv, title="Børns Vilkårs workshop", capacity=5)
    sign_up(event, email="bv0@kommune.example", name="BV-deltager")
    return event


def begin(event) -> None:
    """The event's session began an hour ago (the sign-ups came while it was ahead)."""
    now = timezone.now()
    EventSession.objects.filter(event=event).update(
        start=now - timedelta(hours=1), end=now + timedelta(hours=1)
    )


def regs(*emails):
    return [Registration.objects.get(email=email) for email in emails]


def test_bulk_approve_two_applications(client, event_of, vive, vive_moderator):
    course = event_of(vive, participation="staff_group", capacity=10, event_type="advisory_course")
    first = apply_group(course, participants=3, email="a@kommune.example").registration
    second = apply_group(course, participants=4, email="b@kommune.example").registration
    unconfirmed = apply_group(course, participants=2, email="c@kommune.example").registration
    for application in (first, second):
        application_manager_confirm(registration=application)
    url = bulk_url("approve", [first, second, unconfirmed], "/admin/applications/")
    client.force_login(vive_moderator)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Godkend disse ansøgninger?" in confirmation.content.decode()

    response = client.post(url, follow=True)
    content = response.content.decode()
    assert "2 ansøgninger godkendt." in content
    assert "ikke bekræftet forankringen" in content  # the third, reported by name
    statuses = {r.email: r.status for r in Registration.objects.filter(event=course)}
    assert statuses == {
        "a@kommune.example": "confirmed",
        "b@kommune.example": "confirmed",
        "c@kommune.example": "pending",
    }
    assert emails_to("a@kommune.example")[-1] == "application_approved"


def test_bulk_decline(client, event_of, vive, vive_moderator):
    course = event_of(vive, participation="staff_group", capacity=10, event_type="advisory_course")
    application = apply_group(course).registration
    client.force_login(vive_moderator)
    client.post(bulk_url("decline", [application], "/admin/applications/"))
    application.refresh_from_db()
    assert (application.status, application.cancel_reason) == ("cancelled", "declined")


def test_bulk_cancel_promotes_from_the_waiting_list(client, vive_moderator, full_event):
    cancelled = regs("vive0@kommune.example", "vive1@kommune.example")
    client.force_login(vive_moderator)
    response = client.post(bulk_url("cancel", cancelled), follow=True)
    assert "2 tilmeldinger annulleret." in response.content.decode()
    status = dict(Registration.objects.filter(event=full_event).values_list("email", "status"))
    assert status == {
        "vive0@kommune.example": "cancelled",
        "vive1@kommune.example": "cancelled",
        "vive2@kommune.example": "confirmed",
        "vive3@kommune.example": "confirmed",
    }
    assert emails_to("vive2@kommune.example")[-1] == "promoted"


def test_bulk_attendance_for_confirmed_only(client, vive_moderator, full_event):
    begin(full_event)
    came, stayed_away, waiting = regs(
        "vive0@kommune.example", "vive1@kommune.example", "vive2@kommune.example"
    )
    client.force_login(vive_moderator)
    response = client.post(bulk_url("attended", [came, waiting]), follow=True)
    content = response.content.decode()
    assert "Fremmøde registreret for 1 tilmelding." in content
    assert "kun registreres for bekræftede" in content
    client.post(bulk_url("not_attended", [stayed_away]))
    attended = dict(Registration.objects.filter(event=full_event).values_list("email", "attended"))
    assert attended == {
        "vive0@kommune.example": True,
        "vive1@kommune.example": False,
        "vive2@kommune.example": None,
        "vive3@kommune.example": None,
    }
    # The listing filters on it.
    listing = client.get(reverse("registrations:index"), {"attended": "yes"}).content.decode()
    assert "VIVE-deltager 0" in listing and "VIVE-deltager 1" not in listing
    listing = client.get(reverse("registrations:index"), {"attended": "unknown"}).content.decode()
    assert "VIVE-deltager 2" in listing and "VIVE-deltager 0" not in listing
    # Recorded per session: present and absent at the one session that has begun.
    assert sorted(SessionAttendance.objects.values_list("registration__email", "status")) == [
        ("vive0@kommune.example", "present"),
        ("vive1@kommune.example", "absent"),
    ]


def test_bulk_attendance_before_any_session_has_begun_records_nothing(
    client, vive_moderator, full_event
):
    (came,) = regs("vive0@kommune.example")
    client.force_login(vive_moderator)
    response = client.post(bulk_url("attended", [came]), follow=True)
    assert "Ingen af arrangementets sessioner er begyndt endnu" in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_attendance_service_refuses_unconfirmed(full_event):
    (waiting,) = regs("vive2@kommune.example")
    with pytest.raises(EventsError) as error:
        registration_attendance_set(registration=waiting, attended=True)
    assert error.value.code == "attendance_not_confirmed"


def test_single_row_attendance_action(client, vive_moderator, full_event):
    begin(full_event)
    (registration,) = regs("vive0@kommune.example")
    url = reverse("registrations:action", args=[registration.pk, "attend"])
    client.force_login(vive_moderator)
    assert url in client.get(reverse("registrations:index")).content.decode()
    client.post(url)
    registration.refresh_from_db()
    assert registration.attended is True


def test_crafted_ids_of_another_partner_are_refused_and_nothing_changes(
    client, vive_moderator, full_event, bv_event
):
    begin(full_event)
    begin(bv_event)
    (bv_registration,) = regs("bv0@kommune.example")
    (own,) = regs("vive0@kommune.example")
    client.force_login(vive_moderator)
    for action in ("cancel", "attended"):
        url = bulk_url(action, [bv_registration])
        confirmation = client.get(url).content.decode()
        assert "BV-deltager" not in confirmation  # never named
        assert "hører ikke til dine arrangementer" in confirmation
        client.post(url)
    # Mixed with an own registration: only the own one is acted on.
    client.post(bulk_url("cancel", [bv_registration, own]))
    bv_registration.refresh_from_db()
    own.refresh_from_db()
    assert (bv_registration.status, bv_registration.attended) == ("confirmed", None)
    assert own.status == "cancelled"
    # "Select all in listing" stays within the partner too.
    all_url = (
        reverse("wagtail_bulk_action", args=["events", "registration", "attended"])
        + "?id=all&next=/admin/registrations/"
    )
    client.post(all_url)
    bv_registration.refresh_from_db()
    assert bv_registration.attended is None
    # Those confirmed by then (vive1, and vive2 promoted when vive0 was cancelled).
    attended = Registration.objects.filter(event=full_event, attended=True)
    assert set(attended.values_list("email", flat=True)) == {
        "vive1@kommune.example",
        "vive2@kommune.example",
    }


def test_ids_of_digits_int_refuses_are_skipped_never_a_500(client, vive_moderator, full_event):
    client.force_login(vive_moderator)
    url = reverse("wagtail_bulk_action", args=["events", "registration", "cancel"])
    query = "?id=%C2%B2&id=%D9%A1&next=/admin/registrations/"  # "²" and Arabic-Indic one
    assert client.get(url + query).status_code < 500
    assert client.post(url + query).status_code < 500
    assert not Registration.objects.filter(status="cancelled").exists()


def test_editors_cannot_run_bulk_actions(client, vive_editor, full_event):
    registration = regs("vive0@kommune.example")
    client.force_login(vive_editor)
    listing = client.get(reverse("registrations:index")).content.decode()
    assert "data-bulk-action-checkbox" not in listing
    for action in ("cancel", "attended", "approve"):
        url = bulk_url(action, registration)
        assert client.get(url).status_code in (302, 403)
        assert client.post(url).status_code in (302, 403)
    registration[0].refresh_from_db()
    assert (registration[0].status, registration[0].attended) == ("confirmed", None)


def test_moderator_listing_has_bulk_checkboxes(client, vive_moderator, full_event):
    client.force_login(vive_moderator)
    listing = client.get(reverse("registrations:index")).content.decode()
    assert "data-bulk-action-checkbox" in listing
    assert "Registrér fremmøde" in listing
    assert 'id="registration_' in listing


def test_filters_narrow_the_list(client, event_of, vive, vive_moderator, full_event):
    other_place = Municipality.objects.exclude(region=Municipality.objects.get(code="0101").region)
    elsewhere = other_place.first()
    leaders = Audience.objects.exclude(slug="sagsbehandlere").first()
    sign_up(
        full_event,
        email="fjern@kommune.example",
        name="Fjern deltager",
        municipality=elsewhere,
        job_role=leaders,
    )
    client.force_login(vive_moderator)
    index = reverse("registrations:index")

    def names(**params) -> set[str]:
        response = client.get(index, params)
        assert response.status_code == 200
        return {r.name for r in response.context["object_list"]}

    everyone = names()
    assert "Fjern deltager" in everyone and "VIVE-deltager 0" in everyone
    assert names(municipality=elsewhere.pk) == {"Fjern deltager"}
    assert names(region=elsewhere.region_id) == {"Fjern deltager"}
    assert "Fjern deltager" not in names(region=Municipality.objects.get(code="0101").region_id)
    assert names(job_role=leaders.pk) == {"Fjern deltager"}
    assert names(created_at_from="2000-01-01", created_at_to="2000-01-02") == set()
    assert "Fjern deltager" in names(created_at_from="2000-01-01")
    Registration.objects.filter(email="vive0@kommune.example").update(anonymised_at=timezone.now())
    assert names(anonymised="yes") == {"VIVE-deltager 0"}
    assert "VIVE-deltager 0" not in names(anonymised="no")


# --- "select all" with a filter that cannot be applied fails closed ------------------------


def _state():
    registrations = Registration.objects.order_by("pk").values_list(
        "pk", "status", "attended", "waiting_position", "cancelled_at", "updated_at"
    )
    return list(registrations), OutboundEmail.objects.count()


def select_all_url(action: str, query: str, next_url: str = "/admin/registrations/") -> str:
    base = reverse("wagtail_bulk_action", args=["events", "registration", action])
    next_part = f"&next={next_url}" if next_url else ""
    return f"{base}?id=all{next_part}&{query}" if query else f"{base}?id=all{next_part}"


BAD_FILTERS = [
    ("event={bv_event}", "arrangement"),  # another partner's event
    ("event=999999", "arrangement"),
    ("event=abc", "arrangement"),
    ("status=bogus", "status"),
    ("municipality=999999", "kommune"),
    ("region=abc", "region"),
    ("job_role=999999", "stillingsgruppe"),
    ("created_at_from=2026-13-45", "tilmeldt i perioden"),
    ("created_at_to=i+g%C3%A5r", "tilmeldt i perioden"),
    ("attended=maybe", "mødte op"),
    ("anonymised=m%C3%A5ske", "anonymiseret"),
    ("evnt=1", "evnt"),  # a filter the listing does not have
    ("status=confirmed&status=cancelled", "status"),  # which one?
]


@pytest.mark.parametrize("query, named", BAD_FILTERS)
@pytest.mark.parametrize("action", ["cancel", "attended"])
def test_select_all_with_a_filter_it_cannot_apply_does_nothing(
    client, vive_moderator, full_event, bv_event, query, named, action
):
    client.force_login(vive_moderator)
    url = select_all_url(action, query.replace("{bv_event}", str(bv_event.pk)))
    before = _state()

    confirmation = client.get(url)
    assert confirmation.status_code == 400
    page = confirmation.content.decode()
    assert "Handlingen er ikke udført" in page
    assert f"„{named}“" in page  # names the filter, in Danish
    assert "Ja, " not in page and 'method="POST"' not in page  # no confirm button
    assert "VIVE-deltager" not in page  # lists no one

    response = client.post(url)
    assert response.status_code == 400
    assert "Handlingen er ikke udført" in response.content.decode()
    assert _state() == before  # zero rows changed, no email written


@pytest.mark.parametrize(
    "next_url", ["", "/admin/pages/", "/admin/registrations/../e-mails/", "https://evil.example/"]
)
def test_select_all_from_no_known_listing_does_nothing(
    client, vive_moderator, full_event, next_url
):
    client.force_login(vive_moderator)
    url = select_all_url("cancel", "", next_url=next_url)
    before = _state()
    assert client.get(url).status_code == 400
    response = client.post(url)
    assert response.status_code == 400
    assert "hvilken liste" in response.content.decode()
    assert _state() == before


def test_select_all_applies_the_listings_filters(client, vive_moderator, full_event, bv_event):
    """What the listing's own filter form sends (empty fields included) narrows the selection."""
    client.force_login(vive_moderator)
    query = (
        f"event={full_event.pk}&status=waiting_list&municipality=&region=&job_role="
        "&created_at_from=&created_at_to=&attended=&anonymised=&q=&ordering=-created_at&p=1"
    )
    url = select_all_url("cancel", query)
    page = client.get(url).content.decode()
    assert "VIVE-deltager 2" in page and "VIVE-deltager 3" in page
    assert "VIVE-deltager 0" not in page
    client.post(url)
    status = dict(Registration.objects.filter(event=full_event).values_list("email", "status"))
    assert status == {
        "vive0@kommune.example": "confirmed",
        "vive1@kommune.example": "confirmed",
        "vive2@kommune.example": "cancelled",
        "vive3@kommune.example": "cancelled",
    }
    assert Registration.objects.get(email="bv0@kommune.example").status == "confirmed"


@pytest.mark.parametrize("query", ["status=bogus", "event={bv_event}", "created_at_from=x"])
def test_select_all_of_applications_with_a_bad_filter_approves_nothing(
    client, event_of, vive, vive_moderator, bv_event, query
):
    course = event_of(vive, participation="staff_group", capacity=10, event_type="advisory_course")
    application = apply_group(course, participants=3).registration
    application_manager_confirm(registration=application)
    client.force_login(vive_moderator)
    before = _state()
    for action in ("approve", "decline"):
        url = select_all_url(
            action, query.replace("{bv_event}", str(bv_event.pk)), next_url="/admin/applications/"
        )
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert _state() == before
    application.refresh_from_db()
    assert application.status == "pending"
