"""Retention of answers by their question's data class: sensitive answers go the day after the
event (with the accessibility needs), ordinary ones when the registration is anonymised,
statistical ones stay for the reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from events.models import Registration, RegistrationAnswer
from events.retention.services import registrant_erase, retention_apply
from tests.events.conftest import local
from tests.events.questions import question, with_questions
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2031, 3, 10, 9, 0)
END = START + timedelta(hours=6)


@pytest.fixture
def conference(event_of, vive):
    return with_questions(
        event_of,
        vive,
        question("Hvilken sag tager du med?", "long_text", key="sag", data_class="ordinary"),
        question("Kostbehov", "long_text", key="kost", data_class="sensitive"),
        question(
            "Område",
            "choice",
            key="omraade",
            data_class="statistical",
            options=["myndighed", "almen"],
        ),
        sessions=[{"start": START, "end": END}],
        capacity=10,
    )


def _signed_up(conference) -> Registration:
    with freeze_time(START - timedelta(days=10)):
        return sign_up(
            conference,
            accessibility_needs="Kørestol",
            answers={"sag": "Samvær", "kost": "Glutenfri", "omraade": "myndighed"},
        ).registration


def _kept(registration: Registration) -> dict[str, str]:
    return dict(
        RegistrationAnswer.objects.filter(registration=registration).values_list("key", "text")
    )


def test_sensitive_answers_stay_until_the_event_is_over_and_go_the_day_after(conference):
    registration = _signed_up(conference)
    with freeze_time(END + timedelta(hours=1)):  # the same evening
        result = retention_apply()
    assert result["sensitive_answers_erased"] == 0
    assert set(_kept(registration)) == {"sag", "kost", "omraade"}

    with freeze_time(local(2031, 3, 11, 3, 0)):  # the next night's run
        result = retention_apply()
    assert result["sensitive_answers_erased"] == 1
    assert _kept(registration) == {"sag": "Samvær", "omraade": "Myndighed"}
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""
    assert registration.name  # the rest waits for the retention period


def test_anonymisation_keeps_only_the_statistical_answers(settings, conference):
    registration = _signed_up(conference)
    later = END + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 1)
    with freeze_time(later):
        result = retention_apply()
    assert result["anonymised"] == 1
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert _kept(registration) == {"omraade": "Myndighed"}
    (kept,) = RegistrationAnswer.objects.filter(registration=registration)
    assert (kept.value, kept.data_class) == ("myndighed", "statistical")


def test_a_person_deleting_their_data_keeps_only_the_statistical_answers(conference):
    registration = _signed_up(conference)
    with freeze_time(START - timedelta(days=5)):
        registrant_erase(email=registration.email)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert _kept(registration) == {"omraade": "Myndighed"}


def test_another_events_sensitive_answers_wait_for_their_own_event(event_of, vive, conference):
    later_event = with_questions(
        event_of,
        vive,
        question("Kostbehov", "long_text", key="kost", data_class="sensitive"),
        sessions=[{"start": START + timedelta(days=30), "end": END + timedelta(days=30)}],
    )
    with freeze_time(START - timedelta(days=10)):
        other = sign_up(later_event, answers={"kost": "Vegetar"}).registration
    _signed_up(conference)
    with freeze_time(local(2031, 3, 11, 3, 0)):
        retention_apply()
    assert _kept(other) == {"kost": "Vegetar"}
