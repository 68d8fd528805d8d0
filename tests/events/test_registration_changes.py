"""A registrant's own changes through the services: details and answers until registration
closes, and sending a colleague in their place (the seat moves, the waiting list stays)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from events.errors import EventsError
from events.models import OutboundEmail, Registration, RegistrationAnswer
from events.registrations.changes import registration_details_change, registration_transfer
from events.registrations.services import registration_cancel
from home.models import Audience, Municipality
from tests.events.questions import option, question, with_questions
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    """A course of two seats with a lunch (dietary needs only if one eats) and workshops of
    one place in A and B."""
    return with_questions(
        event_of,
        vive,
        question("Deltager du i frokosten?", "yes_no", key="frokost", required=True),
        question(
            "Har du særlige kostbehov?",
            "long_text",
            key="kost",
            data_class="sensitive",
            shown_if_question="frokost",
            shown_if_value="ja",
        ),
        question("Arbejder du i myndighed?", "yes_no", key="myndighed", data_class="statistical"),
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            required=True,
            options=[
                option("a", "Workshop A", 1),
                option("b", "Workshop B", 1),
                option("c", "Workshop C", 10),
            ],
        ),
        capacity=2,
        waiting_list_enabled=True,
        title="Forløb om børnesamtaler",
    )


def details(registration: Registration, **changes):
    values = {
        "registration": registration,
        "name": registration.name,
        "phone": registration.phone,
        "workplace": registration.workplace,
        "municipality": registration.municipality,
        "job_role": registration.job_role,
        "accessibility_needs": registration.accessibility_needs,
        "answers": {a.key: a.value for a in registration.answers.all()},
    }
    values.update(changes)
    return registration_details_change(**values)


def colleague(registration: Registration, **fields):
    values = {
        "registration": registration,
        "name": "Kim Kollega",
        "email": "kim@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": Municipality.objects.get(code="0101"),
        "job_role": None,
        "consent": True,
    }
    values.update(fields)
    return registration_transfer(**values)


def answers_of(registration: Registration) -> dict:
    return dict(registration.answers.values_list("key", "value"))


LUNCH_A = {"frokost": True, "kost": "Vegetar", "myndighed": True, "workshop": "a"}


# --- details and answers ------------------------------------------------------------------


def test_registrant_changes_details_and_answers_and_gets_a_receipt_without_values(course):
    anna = sign_up(course, name="Anna", answers=LUNCH_A).registration
    changed = details(
        anna,
        name="Anna Andersen",
        phone="12345678",
        accessibility_needs="Kørestol",
        municipality=Municipality.objects.get(code="0751"),
        job_role=Audience.objects.get(slug="ledere-i-myndighed"),
        answers={**LUNCH_A, "kost": "Glutenfri", "workshop": "b"},
    )
    anna.refresh_from_db()
    assert (anna.name, anna.phone, anna.accessibility_needs) == (
        "Anna Andersen",
        "12345678",
        "Kørestol",
    )
    assert anna.municipality.code == "0751" and anna.job_role.slug == "ledere-i-myndighed"
    assert answers_of(anna) == {**LUNCH_A, "kost": "Glutenfri", "workshop": "b"}
    # The sensitive answer is still erased by its class, the statistical kept by its.
    assert RegistrationAnswer.objects.get(registration=anna, key="kost").data_class == "sensitive"
    assert set(changed) >= {
        "navn",
        "telefon",
        "kommune",
        "Har du særlige kostbehov",
        "Hvilken workshop",
    }
    receipt = OutboundEmail.objects.get(to=anna.email, kind="details_changed")
    assert receipt.subject == "Dine oplysninger er ændret: Forløb om børnesamtaler"
    for secret in ("Glutenfri", "Vegetar", "Kørestol", "12345678"):
        assert secret not in receipt.body_text and secret not in receipt.body_html
    assert "Har du særlige kostbehov" in receipt.body_text
    assert anna.change_url() in receipt.body_text
    assert receipt.ics == ""


def test_nothing_changed_writes_nothing_and_sends_no_receipt(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    assert details(anna) == []
    assert emails_to(anna.email) == ["confirmation"]


def test_changes_get_a_receipt_at_most_every_ten_minutes(course):
    """A receipt tells the person their data changed; a flood of changes (a leaked link, the
    API) is not a flood of emails."""
    anna = sign_up(course, answers=LUNCH_A).registration
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with freeze_time(start + timedelta(minutes=1)):
        details(anna, phone="1")
    with freeze_time(start + timedelta(minutes=2)):
        details(anna, phone="2")
    assert emails_to(anna.email) == ["confirmation", "details_changed"]
    with freeze_time(start + timedelta(minutes=12)):
        details(anna, phone="3")
    assert emails_to(anna.email) == ["confirmation", "details_changed", "details_changed"]


def test_the_confirmation_links_to_the_change_and_colleague_pages(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    body = OutboundEmail.objects.get(to=anna.email).body_text
    assert anna.change_url() in body and anna.transfer_url() in body


def test_a_staff_group_confirmation_offers_no_colleague(event_of, vive):
    course = event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")
    application = apply_group(course, participants=3).registration
    body = OutboundEmail.objects.get(to=application.email, kind="pending").body_text
    assert application.change_url() in body and application.transfer_url() not in body


def test_an_answer_to_a_question_that_ends_up_hidden_is_dropped(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    # The page shows every question: "no lunch" with the dietary field still filled in.
    details(anna, answers={**LUNCH_A, "frokost": False})
    assert answers_of(anna) == {"frokost": False, "myndighed": True, "workshop": "a"}


def test_a_required_answer_is_still_required(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    with pytest.raises(EventsError) as refused:
        details(anna, name="Nyt navn", answers={"frokost": True, "kost": "x"})
    assert refused.value.errors == {"answers.workshop": ["Hvilken workshop: besvar spørgsmålet."]}
    anna.refresh_from_db()
    assert anna.name != "Nyt navn" and answers_of(anna) == LUNCH_A  # nothing written
    assert emails_to(anna.email) == ["confirmation"]


def test_own_full_option_is_kept_but_another_full_option_is_refused(course):
    anna = sign_up(course, answers=LUNCH_A).registration  # A is now full (1 place)
    bo = sign_up(course, answers={**LUNCH_A, "workshop": "b"}).registration  # B full too
    # Anna keeps A (her own place), changing something else: not counted against her.
    assert details(anna, phone="1") == ["telefon"]
    with pytest.raises(EventsError) as refused:
        details(anna, phone="2", answers={**LUNCH_A, "workshop": "b"})
    assert refused.value.code == "option_full" and refused.value.field == "answers.workshop"
    anna.refresh_from_db()
    assert anna.phone == "1" and answers_of(anna)["workshop"] == "a"
    # Once Bo cancels, B is free for Anna; A is then free again.
    registration_cancel(registration=bo)
    details(anna, answers={**LUNCH_A, "workshop": "b"})
    assert answers_of(anna)["workshop"] == "b"


def test_no_change_after_registration_closes(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    course.registration_closes = timezone.now() + timedelta(hours=1)
    course.save(update_fields=["registration_closes"])
    with freeze_time(timezone.now() + timedelta(hours=2)):
        with pytest.raises(EventsError) as refused:
            details(anna, phone="99")
    assert refused.value.code == "change_closed" and refused.value.http_status == 409
    anna.refresh_from_db()
    assert anna.phone == ""


def test_a_cancelled_registration_cannot_be_changed(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    registration_cancel(registration=anna)
    with pytest.raises(EventsError) as refused:
        details(anna, phone="99")
    assert refused.value.code == "change_cancelled"


# --- sending a colleague ------------------------------------------------------------------


def test_colleague_takes_a_confirmed_seat_and_the_registrant_gets_a_calendar_cancel(course):
    anna = sign_up(course, answers=LUNCH_A, accessibility_needs="Kørestol").registration
    sign_up(course, answers={**LUNCH_A, "workshop": "b"})
    waiting = sign_up(course, answers={"frokost": False, "workshop": "c"}).registration
    kim = colleague(anna)

    anna.refresh_from_db()
    waiting.refresh_from_db()
    assert anna.status == "cancelled" and anna.cancel_reason == "transferred"
    assert kim.status == "confirmed" and kim.transferred_from == anna
    assert kim.token != anna.token and kim.accessibility_needs == ""
    # Ordinary answers go along (the workshop place moves); sensitive and statistical don't.
    assert answers_of(kim) == {"frokost": True, "workshop": "a"}
    assert waiting.status == "waiting_list" and waiting.waiting_position == 1  # not promoted
    assert Registration.objects.filter(event=course, status="confirmed").count() == 2

    confirmation = OutboundEmail.objects.get(to="kim@kommune.example")
    assert confirmation.kind == "confirmation" and confirmation.ics_method == "REQUEST"
    assert kim.manage_url() in confirmation.body_text and anna.token not in confirmation.body_text
    assert "Kørestol" not in confirmation.body_text
    assert "En kollega har givet sin plads videre til dig" in confirmation.body_text
    assert anna.name not in confirmation.body_text
    cancelled = OutboundEmail.objects.get(to=anna.email, kind="cancelled")
    calendar = Calendar.from_ical(cancelled.ics)
    assert cancelled.ics_method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert kim.token not in cancelled.body_text and "kim@" not in cancelled.body_text
    assert (
        "Du har givet din plads videre" in cancelled.body_text and "Kim" not in cancelled.body_text
    )
    assert emails_to(waiting.email) == ["waiting_list"]


def test_colleague_takes_the_same_place_on_the_waiting_list(course):
    sign_up(course, answers=LUNCH_A)
    sign_up(course, answers={**LUNCH_A, "workshop": "b"})
    first = sign_up(course, answers={"frokost": False, "workshop": "c"}).registration
    second = sign_up(course, answers={"frokost": False, "workshop": "c"}).registration
    kim = colleague(first)
    second.refresh_from_db()
    assert (kim.status, kim.waiting_position) == ("waiting_list", 1)
    assert second.waiting_position == 2
    assert emails_to("kim@kommune.example") == ["waiting_list"]
    first.refresh_from_db()
    assert first.waiting_position is None and first.cancel_reason == "transferred"


def test_a_repeated_transfer_makes_one_colleague(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    kim = colleague(anna)
    assert colleague(anna) == kim
    assert Registration.objects.filter(email="kim@kommune.example").count() == 1
    assert emails_to("kim@kommune.example") == ["confirmation"]
    assert emails_to(anna.email) == ["confirmation", "cancelled"]
    with pytest.raises(EventsError) as refused:
        colleague(anna, email="other@kommune.example")
    assert refused.value.code == "change_cancelled"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"email": "ANNA@kommune.example"}, "transfer_same_email", "email"),
        ({"email": "bo@kommune.example"}, "transfer_already_registered", "email"),
        ({"consent": False}, "transfer_consent_required", "consent"),
        ({"name": "  "}, "name_required", "name"),
    ],
)
def test_transfer_refusals_name_the_field_and_write_nothing(course, fields, code, field):
    anna = sign_up(course, email="anna@kommune.example", answers=LUNCH_A).registration
    sign_up(course, email="bo@kommune.example", answers={**LUNCH_A, "workshop": "b"})
    with pytest.raises(EventsError) as refused:
        colleague(anna, **fields)
    assert (refused.value.code, refused.value.field) == (code, field)
    anna.refresh_from_db()
    assert anna.status == "confirmed"
    assert Registration.objects.filter(event=course).count() == 2
    assert emails_to(anna.email) == ["confirmation"]


def test_no_transfer_of_a_staff_group_application(event_of, vive):
    course = event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")
    application = apply_group(course, participants=3).registration
    with pytest.raises(EventsError) as refused:
        colleague(application)
    assert refused.value.code == "transfer_staff_group"
    assert "medarbejdergruppe" in str(refused.value.message)


def test_no_transfer_after_closing_or_of_a_cancelled_registration(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    with freeze_time(course.first_start + timedelta(minutes=1)):
        with pytest.raises(EventsError) as refused:
            colleague(anna)
    assert refused.value.code == "change_closed"
    registration_cancel(registration=anna)
    with pytest.raises(EventsError) as refused:
        colleague(anna)
    assert refused.value.code == "change_cancelled"
    assert not Registration.objects.filter(email="kim@kommune.example").exists()


def test_the_colleague_can_change_their_own_answers(course):
    anna = sign_up(course, answers=LUNCH_A).registration
    kim = colleague(anna)
    details(kim, answers={"frokost": True, "kost": "Laktosefri", "workshop": "a"})
    assert answers_of(kim)["kost"] == "Laktosefri"
    assert (
        answers_of(anna)["kost"] == "Vegetar"
    )  # the original's stay theirs (and are erased by class)
