"""Attendance per session: the services, the phone check-in in the admin, the QR code's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from events.courses.services import attendance_set
from events.courses.tokens import checkin_token, checkin_url
from events.errors import EventsError
from events.models import GroupMember, OutboundEmail, Registration, SessionAttendance
from tests.events.conftest import local
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2030, 3, 10, 9)


def two_sessions() -> list[dict]:
    return [
        {"title": "Modul 1", "start": START, "end": START + timedelta(hours=3)},
        {
            "title": "Modul 2",
            "start": START + timedelta(days=7),
            "end": START + timedelta(days=7, hours=3),
        },
    ]


@pytest.fixture
def course(event_of, vive):
    event = event_of(
        vive,
        title="Kursus i børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        sessions=two_sessions(),
        capacity=20,
    )
    sign_up(event, name="Søren Ærø", email="soeren@kommune.example")
    sign_up(event, name="Åse Øster", email="aase@kommune.example")
    return event


def session_url(session, **params) -> str:
    from django.utils.http import urlencode

    return reverse("checkin:session", args=[session.pk]) + (
        "?" + urlencode(params) if params else ""
    )


def person(email: str) -> Registration:
    return Registration.objects.get(email=email)


# --- services ----------------------------------------------------------------------------


def test_present_twice_is_one_record_and_the_second_changes_nothing(course):
    first = course.sessions.order_by("sort_order").first()
    soeren = person("soeren@kommune.example")
    one = attendance_set(session=first, registration=soeren, status="present", now=START)
    two = attendance_set(session=first, registration=soeren, status="present", now=START)
    assert (one.changed, two.changed) == (True, False)
    assert SessionAttendance.objects.filter(registration=soeren).count() == 1
    soeren.refresh_from_db()
    assert soeren.attended is True  # the summary the listings read


def test_presence_waits_for_the_sessions_day_but_an_excuse_does_not(course):
    second = course.sessions.order_by("sort_order").last()
    soeren = person("soeren@kommune.example")
    with pytest.raises(EventsError) as error:
        attendance_set(session=second, registration=soeren, status="present", now=START)
    assert error.value.code == "attendance_too_early"
    attendance_set(session=second, registration=soeren, status="excused", now=START)
    assert SessionAttendance.objects.get(registration=soeren).status == "excused"


def test_a_named_group_is_recorded_per_member(event_of, vive):
    course = event_of(
        vive,
        participation="staff_group",
        capacity=10,
        event_type="advisory_course",
        sessions=two_sessions(),
    )
    group = apply_group(course, participants=2).registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    GroupMember.objects.create(registration=group, name="Bjørn Ås", email="bjoern@kommune.example")
    GroupMember.objects.create(registration=group, name="Mette Kær", email="mette@kommune.example")
    first = course.sessions.order_by("sort_order").first()
    with pytest.raises(EventsError) as error:
        attendance_set(session=first, registration=group, status="present", now=START)
    assert error.value.code == "attendance_member_required"
    member = group.members.get(email="bjoern@kommune.example")
    attendance_set(session=first, registration=group, member=member, status="present", now=START)
    assert list(SessionAttendance.objects.values_list("member__name", "status")) == [
        ("Bjørn Ås", "present")
    ]


def test_bulk_flag_marks_every_session_that_has_begun(course):
    from events.registrations.services import registration_attendance_set

    soeren = person("soeren@kommune.example")
    with freeze_time(START + timedelta(days=1)):
        registration_attendance_set(registration=soeren, attended=True)
    assert list(
        SessionAttendance.objects.filter(registration=soeren).values_list(
            "session__title", "status"
        )
    ) == [("Modul 1", "present")]
    with freeze_time(START + timedelta(days=8)):
        registration_attendance_set(registration=soeren, attended=True)
    assert SessionAttendance.objects.filter(registration=soeren, status="present").count() == 2


# --- the check-in in the admin -----------------------------------------------------------


@freeze_time(START + timedelta(minutes=10))
def test_check_in_twice_counts_once(client, vive_moderator, course):
    first = course.sessions.order_by("sort_order").first()
    soeren = person("soeren@kommune.example")
    client.force_login(vive_moderator)
    page = client.get(session_url(first)).content.decode()
    assert "<strong>0</strong> af 2 til stede" in page
    tap = {"person": f"r{soeren.pk}", "status": "present"}
    first_tap = client.post(session_url(first), tap)
    assert first_tap.status_code == 302
    retry = client.post(session_url(first), tap, follow=True)  # the phone sends it again
    assert "var allerede registreret" in retry.content.decode()
    assert "<strong>1</strong> af 2 til stede" in retry.content.decode()
    assert SessionAttendance.objects.filter(session=first).count() == 1


@freeze_time(START + timedelta(minutes=10))
def test_search_by_name_or_municipality(client, vive_moderator, course):
    first = course.sessions.order_by("sort_order").first()
    client.force_login(vive_moderator)
    found = client.get(session_url(first, q="øster")).content.decode()
    assert "Åse Øster" in found and "Søren Ærø" not in found
    by_place = client.get(session_url(first, q="københavn")).content.decode()
    assert "Åse Øster" in by_place and "Søren Ærø" in by_place
    nobody = client.get(session_url(first, q="Aalborg")).content.decode()
    assert "Ingen tilmeldte matcher" in nobody


@freeze_time(START + timedelta(minutes=10))
def test_another_partners_moderator_and_an_editor_get_nothing(
    client, bv_moderator, vive_editor, course
):
    first = course.sessions.order_by("sort_order").first()
    soeren = person("soeren@kommune.example")
    for user in (bv_moderator, vive_editor):
        client.force_login(user)
        for response in (
            client.get(session_url(first)),
            client.post(session_url(first), {"person": f"r{soeren.pk}", "status": "present"}),
            client.get(reverse("checkin:signin_sheet", args=[first.pk])),
        ):
            body = response.content.decode(errors="replace")
            assert response.status_code in (403, 404)
            assert "Søren" not in body and "Kursus i børnesamtaler" not in body
        index = client.get(reverse("checkin:index"))
        assert "Kursus i børnesamtaler" not in index.content.decode()
    assert not SessionAttendance.objects.exists()


@freeze_time(START + timedelta(minutes=10))
def test_the_session_list_shows_todays_sessions_of_own_events(client, vive_moderator, course):
    client.force_login(vive_moderator)
    page = client.get(reverse("checkin:index")).content.decode()
    assert "Kursus i børnesamtaler – Modul 1" in page
    assert "i dag" in page


# --- the QR code ------------------------------------------------------------------------


def test_the_confirmation_carries_the_qr_code_and_the_admin_log_hides_it(course):
    from events.mail.redaction import secrets_redact

    soeren = person("soeren@kommune.example")
    email = OutboundEmail.objects.get(to=soeren.email, kind="confirmation")
    url = checkin_url(registration=soeren)
    assert url in email.body_text
    assert f"{url}qr.png" in email.body_html and "QR-kode til indtjekning" in email.body_html
    assert checkin_token(registration=soeren) not in secrets_redact(email.body_html)


def test_the_qr_image_is_a_png_of_the_code(client, course):
    soeren = person("soeren@kommune.example")
    token = checkin_token(registration=soeren)
    image = client.get(reverse("checkin_scan:qr", args=[token]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get(reverse("checkin_scan:qr", args=[token + "x"])).status_code == 404


def scan_url(registration) -> str:
    return reverse("checkin_scan:scan", args=[checkin_token(registration=registration)])


@freeze_time(START + timedelta(minutes=10))
def test_a_scanned_code_reveals_nothing_to_a_logged_out_phone(client, course):
    soeren = person("soeren@kommune.example")
    for response in (client.get(scan_url(soeren)), client.post(scan_url(soeren))):
        body = response.content.decode()
        assert response.status_code == 403
        assert "Siden er kun for arrangørens moderatorer" in body
        for secret in ("Søren", "Ærø", "Kursus i børnesamtaler", "København", "Modul"):
            assert secret not in body
    assert not SessionAttendance.objects.exists()


@freeze_time(START + timedelta(minutes=10))
def test_a_scanned_code_reveals_nothing_to_another_partners_moderator(client, bv_moderator, course):
    soeren = person("soeren@kommune.example")
    client.force_login(bv_moderator)
    for response in (client.get(scan_url(soeren)), client.post(scan_url(soeren))):
        body = response.content.decode()
        assert response.status_code == 403
        for secret in ("Søren", "Ærø", "Kursus i børnesamtaler", "København", "Modul"):
            assert secret not in body
    assert not SessionAttendance.objects.exists()


@freeze_time(START + timedelta(minutes=10))
def test_a_forged_code_is_a_404_that_names_nothing(client, vive_moderator, course):
    soeren = person("soeren@kommune.example")
    client.force_login(vive_moderator)
    forged = checkin_token(registration=soeren)[:-2] + "AA"
    for token in (forged, f"r{soeren.pk}", "r1:abc", "x" * 500, "%00"):
        response = client.get(reverse("checkin_scan:scan", args=[token]))
        assert response.status_code == 404
        assert "Søren" not in response.content.decode()


@freeze_time(START + timedelta(minutes=10))
def test_the_organisers_moderator_confirms_with_one_post(client, vive_moderator, course):
    soeren = person("soeren@kommune.example")
    client.force_login(vive_moderator)
    page = client.get(scan_url(soeren)).content.decode()
    assert "Søren Ærø" in page and "Kursus i børnesamtaler" in page
    confirmed = client.post(scan_url(soeren), follow=True)
    assert "Fremmøde registreret: til stede." in confirmed.content.decode()
    client.post(scan_url(soeren))  # scanned again: still one record
    assert list(SessionAttendance.objects.values_list("session__title", "status")) == [
        ("Modul 1", "present")
    ]


@freeze_time(START + timedelta(minutes=10))
def test_the_scan_refuses_a_session_of_another_event(
    client, vive_moderator, course, event_of, vive
):
    other = event_of(
        vive, title="Andet", sessions=[{"start": START, "end": START + timedelta(hours=1)}]
    )
    soeren = person("soeren@kommune.example")
    client.force_login(vive_moderator)
    response = client.post(scan_url(soeren), {"session": other.sessions.get().pk})
    assert response.status_code == 400
    assert "Session: vælg en af arrangementets sessioner" in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_online_events_carry_no_qr_code(event_of, vive):
    webinar = event_of(vive, title="Webinar")
    registration = sign_up(webinar).registration
    email = OutboundEmail.objects.get(to=registration.email, kind="confirmation")
    assert "/indtjekning/" not in email.body_text and "/indtjekning/" not in email.body_html


def test_timezone_now_is_used_when_not_given(course):
    # Without ``now`` the service reads the clock: in 2026 the 2030 session is too early.
    soeren = person("soeren@kommune.example")
    assert timezone.now() < START
    with pytest.raises(EventsError):
        attendance_set(session=course.sessions.first(), registration=soeren, status="present")


@freeze_time(START + timedelta(minutes=10))
def test_a_tap_at_next_weeks_session_is_refused_but_an_excuse_is_taken(
    client, vive_moderator, course
):
    second = course.sessions.order_by("sort_order").last()
    soeren = person("soeren@kommune.example")
    client.force_login(vive_moderator)
    early = client.post(session_url(second), {"person": f"r{soeren.pk}", "status": "present"})
    assert early.status_code == 409
    assert "Fremmøde kan først registreres på sessionens dag" in early.content.decode()
    assert not SessionAttendance.objects.exists()
    excused = client.post(session_url(second), {"person": f"r{soeren.pk}", "status": "excused"})
    assert excused.status_code == 302
    assert SessionAttendance.objects.get().status == "excused"


@freeze_time(START + timedelta(minutes=10))
def test_a_person_of_another_event_cannot_be_tapped_in_here(
    client, vive_moderator, course, event_of, vive
):
    other = event_of(vive, title="Andet arrangement", capacity=5)
    stranger = sign_up(other, name="Fremmed Person").registration
    first = course.sessions.order_by("sort_order").first()
    client.force_login(vive_moderator)
    response = client.post(session_url(first), {"person": f"r{stranger.pk}", "status": "present"})
    assert response.status_code == 400
    assert "Person (person)" in response.content.decode()
    assert "Fremmed" not in response.content.decode()
    assert not SessionAttendance.objects.exists()
