"""The registrant's own page says what they signed up for: every session, who organises it,
where to read about it and add it to a calendar, and when the join link comes; and the email
that gives a seat at an online event says when the link arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from events import ical
from events.mail.compose import JOIN_LINK_COMES, JOIN_LINK_COMES_NOW, format_moment
from events.models import OutboundEmail
from events.registrations.services import registration_cancel
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.test_registration_pages import path

pytestmark = pytest.mark.usefixtures("vocabulary")

SECRET = "https://teams.example.com/meet/hemmeligt-link"


@pytest.fixture
def course(event_of, vive, sst):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        days=30
    )
    event = event_of(
        vive,
        title="Forløb om børnesamtaler",
        format="hybrid",
        platform_name="Teams",
        venue_name="VIVE",
        venue_city="København K",
        join_url=SECRET,
        join_link_hours=48,
        sessions=[
            {"title": "Modul 1", "start": start, "end": start + timedelta(hours=3)},
            {
                "title": "Modul 2",
                "start": start + timedelta(days=7),
                "end": start + timedelta(days=7, hours=3),
            },
        ],
    )
    event.co_organisers.set([sst])
    event.save()
    return event


def test_the_page_shows_every_session_the_organiser_the_links_and_when_the_link_comes(course):
    registration = sign_up(course, name="Anna Andersen").registration
    content = Client().get(path(registration.manage_url())).content.decode()
    assert "Modul 1" in content and "Modul 2" in content
    assert f"Arrangør: {course.partner.name} i samarbejde med Socialstyrelsen" in content
    assert f'href="{ical.event_url(course)}"' in content
    assert f'href="/feeds/events/{course.pk}.ics"' in content
    due = course.first_start - timedelta(hours=48)
    assert f"Du får linket til at deltage på mail {format_moment(due)}." in content
    assert SECRET not in content  # the link itself goes by email only


def test_after_the_link_went_out_the_page_says_it_was_sent(course):
    with freeze_time(course.first_start - timedelta(hours=1)):
        registration = sign_up(course).registration
        content = Client().get(path(registration.manage_url())).content.decode()
    assert "Linket til at deltage er sendt til din e-mail." in content
    assert SECRET not in content


def test_a_cancelled_registration_is_not_promised_a_link(course):
    registration = sign_up(course).registration
    registration_cancel(registration=registration)
    content = Client().get(path(registration.manage_url())).content.decode()
    assert "Tilmeldingen er annulleret." in content
    assert "linket til at deltage" not in content.lower()


def test_an_event_in_a_room_says_nothing_of_a_join_link(event_of, vive):
    event = event_of(vive, format="physical", venue_name="VIVE", venue_city="København K")
    registration = sign_up(event).registration
    content = Client().get(path(registration.manage_url())).content.decode()
    assert "linket til at deltage" not in content.lower()
    assert "Læg arrangementet i din kalender (.ics)" in content


def test_the_confirmation_of_an_online_event_says_when_the_link_arrives(course):
    registration = sign_up(course).registration
    email = OutboundEmail.objects.get(registration_id=registration.pk, kind="confirmation")
    due = course.first_start - timedelta(hours=48)
    expected = JOIN_LINK_COMES.format(moment=format_moment(due), hours="48 timer")
    assert expected in " ".join(email.body_text.split())
    assert (
        "Linket til at deltage får du i en særskilt mail "
        f"{format_moment(due)}, 48 timer før arrangementet begynder."
    ) == expected


def test_a_confirmation_after_the_link_went_out_says_it_comes_at_once(course):
    with freeze_time(course.first_start - timedelta(hours=3)):
        registration = sign_up(course).registration
    email = OutboundEmail.objects.get(registration_id=registration.pk, kind="confirmation")
    assert JOIN_LINK_COMES_NOW in " ".join(email.body_text.split())
    assert OutboundEmail.objects.filter(registration_id=registration.pk, kind="join_link").exists()


def test_a_confirmation_of_an_event_in_a_room_says_nothing_of_a_link(event_of, vive):
    event = event_of(vive, format="physical", venue_name="VIVE", venue_city="København K")
    registration = sign_up(event).registration
    email = OutboundEmail.objects.get(registration_id=registration.pk, kind="confirmation")
    assert "Linket til at deltage" not in email.body_text
