"""A staff group's application names its participants through the API (``members``), each
with answers to the questions asked per participant; every problem is a Danish 400 naming
``members[i].<field>``, and nothing is written."""

from __future__ import annotations

import pytest

from events.models import GroupMember, Registration
from tests.api.test_registrations import body, post
from tests.api.test_schema import schema  # noqa: F401
from tests.events.groups import group_course, member
from tests.events.registrations import vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    return group_course(event_of, vive)


def application(**fields) -> dict:
    values = {
        "participants": 3,
        "unit": "Børne- og familieafdelingen",
        "manager_name": "Lene Leder",
        "manager_email": "lene@kommune.example",
        "answers": {"omraade": "almen"},
        **fields,
    }
    return body(**values)


def test_an_application_names_its_members_with_their_answers(api, course):
    response = post(api, course.pk, application(members=[member(1, "a"), member(2)]))
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    registration = Registration.objects.get(event=course)
    assert list(registration.members.values_list("email", flat=True)) == [
        "medarbejder1@kommune.example",
        "medarbejder2@kommune.example",
    ]
    shown = api.get(f"/api/v1/registrations/{registration.token}/").json()
    assert [m["name"] for m in shown["members"]] == ["Medarbejder 1", "Medarbejder 2"]
    assert shown["members"][0]["answers"][0]["text"] == "Workshop A"
    assert [a["key"] for a in shown["answers"]] == ["omraade"]  # the group's own, once


def test_an_application_without_members_answers_per_participant_questions_once(api, course):
    """As clients made before members do (the widget): the group's one answer."""
    assert post(api, course.pk, application()).json()["errors"] == {
        "answers.workshop": ["Workshop: besvar spørgsmålet."]
    }
    data = application(answers={"omraade": "almen", "workshop": "b"})
    assert post(api, course.pk, data).status_code == 201
    assert not GroupMember.objects.exists()
    registration = Registration.objects.get(event=course)
    assert {a.key for a in registration.answers.all()} == {"omraade", "workshop"}


def test_with_members_the_group_does_not_answer_their_questions(api, course):
    data = application(answers={"omraade": "almen", "workshop": "b"}, members=[member(1)])
    response = post(api, course.pk, data)
    assert response.status_code == 400
    assert "answers" in response.json()["errors"]


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ([member(1), {**member(2), "email": "ikke-en-adresse"}], "members[1].email"),
        ([member(1), {**member(2), "email": "a@localhost"}], "members[1].email"),
        (
            [member(1), member(2), {**member(3), "email": "MEDARBEJDER2@kommune.example"}],
            "members[2].email",
        ),
        ([{**member(1), "name": ""}], "members[0].name"),
        ([{**member(1), "name": "x" * 10_000}], "members[0].name"),
        ([{**member(1), "name": "Bo\x00"}], "members[0].name"),
        ([{**member(1), "email": ["a@b.example"]}], "members[0].email"),
        ([{**member(1), "needs": {"x": 1}}], "members[0].needs"),
        ([{**member(1), "answers": {"workshop": "z"}}], "members[0].answers.workshop"),
        ([{**member(1), "answers": {"ukendt": "z", "workshop": "b"}}], "members[0].answers"),
        ([{**member(1), "answers": "workshop"}], "members[0].answers"),
        (["Bo"], "members[0]"),
        ([{**member(1), "rolle": "leder"}], "members[0]"),
    ],
)
def test_bad_members_are_a_400_naming_the_field(api, course, members, field):
    response = post(api, course.pk, application(members=members))
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(message.startswith("Deltager ") for message in errors[field])
    assert not Registration.objects.exists() and not GroupMember.objects.exists()


def test_more_members_than_participants_is_a_400(api, course):
    response = post(api, course.pk, application(members=[member(n) for n in range(4)]))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "members": ["Deltagere: højst 3 navngivne deltagere (det antal pladser, I søger)."]
    }


@pytest.mark.parametrize("members", ["Bo", {"name": "Bo"}, 7, [None] * 1001])
def test_members_that_are_no_list_are_a_400_under_members(api, course, members):
    response = post(api, course.pk, application(members=members))
    assert response.status_code == 400
    assert "members" in response.json()["errors"]


def test_an_individual_event_refuses_members(api, event_of, vive):
    webinar = event_of(vive, capacity=5)
    response = post(api, webinar.pk, body(members=[member(1)]))
    assert response.status_code == 400
    assert "members" in response.json()["errors"]


def test_a_members_full_option_is_a_409_and_writes_nothing(api, course):
    full = [member(n, "a") for n in range(3)]
    assert post(api, course.pk, application(members=full)).status_code == 201
    response = post(
        api, course.pk, application(email="b@kommune.example", members=[member(9, "a")])
    )
    assert response.status_code == 409
    assert "Workshop A" in response.json()["detail"]
    assert Registration.objects.count() == 1


def test_the_schema_describes_members(schema):  # noqa: F811 (the fixture)
    components = schema["components"]["schemas"]
    members = components["RegistrationCreate"]["properties"]["members"]
    assert members["type"] == "array"
    assert members["items"]["required"] == ["name", "email"]
    assert "members[i].<field>" in members["description"]
    assert "members" in components["Registration"]["properties"]
