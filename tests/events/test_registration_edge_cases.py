"""Edges found by trying the registrant's pages and emails as a careful outsider would: a staff
group's change form and its members' answers, an offer handed to a colleague, what goes along
to a colleague, a member's address changed and changed back, a declined offer's email, a form
value that is a digit but no number, and what a person's data download holds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from freezegun import freeze_time

from events.errors import EventsError
from events.models import OutboundEmail, Registration, RegistrationAnswer
from events.registrations.changes import registration_details_change, registration_transfer
from events.registrations.members import member_change
from events.registrations.offers import offer_decline
from events.registrations.services import registration_cancel
from tests.events.groups import START, approved, group_course, member
from tests.events.questions import option, question, with_questions
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

BEFORE = START - timedelta(days=20)


def _change(registration: Registration, **changes):
    values = {
        "registration": registration,
        "name": registration.name,
        "phone": registration.phone,
        "workplace": registration.workplace,
        "municipality": registration.municipality,
        "job_role": registration.job_role,
        "accessibility_needs": registration.accessibility_needs,
        "answers": {a.key: a.value for a in registration.own_answers()},
    }
    values.update(changes)
    return registration_details_change(**values)


@pytest.fixture
def group(event_of, vive):
    with freeze_time(BEFORE - timedelta(days=1)):
        course = group_course(event_of, vive)
    with freeze_time(BEFORE):
        return apply_group(
            course,
            participants=3,
            answers={"omraade": "myndighed"},
            members=[member(1, "a"), member(2, "b")],
        ).registration


def test_a_staff_groups_change_keeps_its_members_answers(group):
    before = sorted(
        RegistrationAnswer.objects.filter(member__isnull=False).values_list("key", "value")
    )
    with freeze_time(BEFORE + timedelta(hours=1)):
        changed = _change(group, phone="12345678", answers={"omraade": "almen"})
    assert changed == ["telefon", "Område"]
    after = sorted(
        RegistrationAnswer.objects.filter(member__isnull=False).values_list("key", "value")
    )
    assert after == before == [("workshop", "a"), ("workshop", "b")]
    own = {a.key: a.value for a in Registration.objects.get(pk=group.pk).own_answers()}
    assert own == {"omraade": "almen"}  # the group's own answer; no workshop answer of its own


def test_the_change_form_of_a_group_with_members_asks_only_the_groups_own_questions(group, client):
    with freeze_time(BEFORE + timedelta(hours=1)):
        page = client.get(f"/tilmelding/{group.token}/ret/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Område" in html and "Workshop" not in html and "Kostbehov" not in html


@pytest.fixture
def offering(event_of, vive):
    event = event_of(vive, capacity=1, waiting_list_offer_hours=48)
    first = sign_up(event, email="first@kommune.example").registration
    sign_up(event, email="next@kommune.example")
    registration_cancel(registration=first)
    return event


def test_an_offer_cannot_be_handed_to_a_colleague(offering):
    offered = Registration.objects.get(email="next@kommune.example")
    assert offered.status == "offered"
    with pytest.raises(EventsError) as refused:
        registration_transfer(
            registration=offered,
            name="Kollega",
            email="kollega@kommune.example",
            workplace="PPR",
            municipality=offered.municipality,
            job_role=None,
            consent=True,
        )
    assert refused.value.code == "transfer_offered"
    assert "tag pladsen først" in refused.value.message
    assert not Registration.objects.filter(email="kollega@kommune.example").exists()


def test_a_declined_offer_is_cancelled_without_a_calendar_file(offering):
    offered = Registration.objects.get(email="next@kommune.example")
    offer_decline(registration=offered)
    email = OutboundEmail.objects.get(to="next@kommune.example", kind="cancelled")
    assert email.ics == "" and email.ics_method == ""
    assert "Kalenderfilen" not in email.body_text
    assert "Din tilmelding er annulleret." in email.body_text


def test_a_confirmed_seat_cancelled_still_removes_the_calendar_entry(event_of, vive):
    event = event_of(vive, capacity=5)
    anna = sign_up(event, email="anna@kommune.example").registration
    registration_cancel(registration=anna)
    email = OutboundEmail.objects.get(to="anna@kommune.example", kind="cancelled")
    assert email.ics_method == "CANCEL" and "METHOD:CANCEL" in email.ics


def test_a_one_hour_offer_is_told_in_danish(event_of, vive):
    event = event_of(vive, capacity=1, waiting_list_offer_hours=1)
    sign_up(event, email="a@kommune.example")
    sign_up(event, email="b@kommune.example")
    body = OutboundEmail.objects.get(to="b@kommune.example", kind="waiting_list").body_text
    assert "1 time til at tage den" in body and "1 timer" not in body


def test_a_colleague_gets_the_seats_choices_never_what_the_registrant_wrote(event_of, vive):
    event = with_questions(
        event_of,
        vive,
        question("Workshop", "choice", key="workshop", options=[option("a", "Workshop A")]),
        question("Din sag", "long_text", key="sag"),
        capacity=5,
    )
    anna = sign_up(event, answers={"workshop": "a", "sag": "Familien Hansen"}).registration
    colleague = registration_transfer(
        registration=anna,
        name="Kim",
        email="kim@kommune.example",
        workplace="PPR",
        municipality=anna.municipality,
        job_role=None,
        consent=True,
    )
    assert {a.key: a.value for a in colleague.answers.all()} == {"workshop": "a"}
    email = OutboundEmail.objects.get(to="kim@kommune.example", kind="confirmation")
    assert "Familien Hansen" not in email.body_text + email.body_html


def test_a_member_whose_address_changes_and_changes_back_gets_a_new_link(group):
    with freeze_time(BEFORE):
        approved(group)
    first = group.members.get(email="medarbejder1@kommune.example")
    with freeze_time(BEFORE + timedelta(hours=1)):
        moved = member_change(member=first, data={**member(1, "a"), "email": "ny@kommune.example"})
        back = member_change(member=moved, data=member(1, "a"))
    assert emails_to("medarbejder1@kommune.example") == [
        "member_confirmation",
        "member_cancelled",
        "member_confirmation",
    ]
    latest = OutboundEmail.objects.filter(to="medarbejder1@kommune.example").order_by("pk").last()
    assert back.page_url() in latest.body_text


def test_a_member_id_that_is_a_digit_but_no_number_is_a_404(group, client):
    with freeze_time(BEFORE + timedelta(hours=1)):
        response = client.post(
            f"/tilmelding/{group.token}/deltagere/", {"action": "remove", "member": "²"}
        )
    assert response.status_code == 404
    assert group.members.count() == 2


def test_the_data_download_holds_where_the_person_is_named_in_a_staff_group(
    group, event_of, vive, client
):
    own = sign_up(event_of(vive, capacity=5), email="medarbejder2@kommune.example").registration
    with freeze_time(BEFORE + timedelta(hours=1)):
        response = client.get(f"/tilmelding/{own.token}/data/?format=json")
    data = json.loads(response.content)
    [named] = data["named_in_staff_groups"]
    assert named["email"] == "medarbejder2@kommune.example"
    assert named["answers"][0]["value"] == "b"
    assert "medarbejder1@" not in response.content.decode()  # nobody else of the group
