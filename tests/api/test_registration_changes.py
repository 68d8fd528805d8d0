"""A consuming site changes a registration and sends a colleague, by the registrant's token:
POST /api/v1/registrations/{token}/change/ and /transfer/, and what the schema says of them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml
from freezegun import freeze_time

from events.models import Registration
from tests.events.questions import option, question, with_questions
from tests.events.registrations import emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
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
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            options=[option("a", "Workshop A", 1), option("b", "Workshop B", 1)],
        ),
        capacity=5,
    )


def post(api, token: str, action: str, data) -> object:
    return api.post(
        f"/api/v1/registrations/{token}/{action}/",
        data=json.dumps(data) if not isinstance(data, str) else data,
        content_type="application/json",
    )


ANSWERS = {"frokost": True, "kost": "Vegetar", "workshop": "a"}


def test_change_keeps_what_is_left_out_and_replaces_the_answers(api, course):
    anna = sign_up(course, answers=ANSWERS).registration
    response = post(api, anna.token, "change", {"phone": "12345678", "answers": {"frokost": False}})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == anna.name and body["workplace"] == anna.workplace
    assert [a["key"] for a in body["answers"]] == ["frokost"]
    anna.refresh_from_db()
    assert anna.phone == "12345678"
    assert emails_to(anna.email) == ["confirmation", "details_changed"]
    # Only the phone: the answers stay.
    assert post(api, anna.token, "change", {"phone": "1"}).status_code == 200
    assert dict(anna.answers.values_list("key", "value")) == {"frokost": False}


def test_change_refusals_name_the_field_and_write_nothing(api, course):
    anna = sign_up(course, answers=ANSWERS).registration
    sign_up(course, answers={"frokost": False, "workshop": "b"})
    cases = [
        ({"name": "x" * 201}, 400, "name", "Navn: højst 200 tegn."),
        ({"municipality": "9999", "phone": "1"}, 400, "municipality", "ikke en dansk kommune"),
        ({"answers": {"frokost": "måske"}, "phone": "1"}, 400, "answers.frokost", "Deltager"),
        ({"answers": {**ANSWERS, "workshop": "b"}, "phone": "1"}, 409, "answers.workshop", "B"),
        ({"answers": [1]}, 400, "answers", "Svar:"),
    ]
    for data, status, field, message in cases:
        response = post(api, anna.token, "change", data)
        assert response.status_code == status, (data, response.json())
        assert message in " ".join(response.json()["errors"][field]), response.json()
    assert post(api, anna.token, "change", "[").status_code == 400
    assert post(api, anna.token, "change", "[]").status_code == 400
    anna.refresh_from_db()
    assert anna.phone == "" and dict(anna.answers.values_list("key", "value")) == ANSWERS
    assert emails_to(anna.email) == ["confirmation"]


def test_unknown_tokens_are_404(api, course):
    for action in ("change", "transfer"):
        response = post(api, "ukendt", action, {"phone": "1"})
        assert response.status_code == 404
        assert response.json()["detail"] == "Tilmeldingen findes ikke."


def test_no_change_after_registration_closes(api, course):
    anna = sign_up(course, answers=ANSWERS).registration
    with freeze_time(course.first_start + timedelta(minutes=1)):
        response = post(api, anna.token, "change", {"phone": "1"})
        assert response.status_code == 409
        assert "lukket" in response.json()["detail"]
        response = post(
            api,
            anna.token,
            "transfer",
            {
                "name": "Kim",
                "email": "kim@kommune.example",
                "workplace": "PPR",
                "municipality": "0101",
                "consent": True,
            },
        )
        assert response.status_code == 409


TRANSFER = {
    "name": "Kim Kollega",
    "email": "kim@kommune.example",
    "workplace": "PPR",
    "municipality": "0101",
    "job_role": "ppr",
    "consent": True,
}


def test_transfer_gives_the_colleague_the_seat_and_no_token_in_the_answer(api, course):
    anna = sign_up(course, answers=ANSWERS).registration
    response = post(api, anna.token, "transfer", TRANSFER)
    assert response.status_code == 201, response.json()
    kim = Registration.objects.get(email="kim@kommune.example")
    assert response.json() == {
        "status": "confirmed",
        "waiting_position": None,
        "detail": response.json()["detail"],
    }
    assert kim.token not in response.content.decode()
    assert kim.transferred_from == anna
    # Repeated (a retry): the same answer, one colleague.
    assert post(api, anna.token, "transfer", TRANSFER).status_code == 201
    assert Registration.objects.filter(email="kim@kommune.example").count() == 1
    assert emails_to("kim@kommune.example") == ["confirmation"]


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"consent": False}, 400, "consent"),
        ({"email": "ikke-en-adresse"}, 400, "email"),
        ({"email": None}, 400, "email"),
        ({"name": "a\x00b"}, 400, "name"),
        ({"municipality": ["0101"]}, 400, "municipality"),
    ],
)
def test_transfer_refusals_name_the_field(api, course, changes, status, field):
    anna = sign_up(course, answers=ANSWERS).registration
    data = {k: v for k, v in {**TRANSFER, **changes}.items() if v is not None}
    response = post(api, anna.token, "transfer", data)
    assert response.status_code == status
    assert field in response.json()["errors"]
    anna.refresh_from_db()
    assert anna.status == "confirmed"


def test_the_schema_describes_both_actions(api):
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    change = schema["paths"]["/api/v1/registrations/{token}/change/"]["post"]
    transfer = schema["paths"]["/api/v1/registrations/{token}/transfer/"]["post"]
    assert {"200", "400", "404", "409"} <= set(change["responses"])
    assert {"201", "400", "404", "409", "429"} <= set(transfer["responses"])
    components = schema["components"]["schemas"]
    assert "required" not in components["RegistrationChange"]
    assert set(components["RegistrationTransfer"]["required"]) >= {"name", "email", "consent"}


def test_a_changed_workshop_moves_the_places_left_in_the_api_at_once(
    api, course, django_capture_on_commit_callbacks
):
    """A changed limited choice moves no seat, yet the places left per option change: the
    event's cached answer and its validator move on (api/seat_versions.py)."""

    def places() -> tuple[dict, str]:
        response = api.get(f"/api/v1/events/{course.pk}/")
        (workshop,) = [q for q in response.json()["questions"] if q["key"] == "workshop"]
        return {o["value"]: o["places_left"] for o in workshop["options"]}, response["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(course, answers=ANSWERS).registration
    before, etag = places()
    assert before == {"a": 0, "b": 1}
    with django_capture_on_commit_callbacks(execute=True):
        changed = {**ANSWERS, "workshop": "b"}
        assert post(api, anna.token, "change", {"answers": changed}).status_code == 200
    after = api.get(f"/api/v1/events/{course.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert places()[0] == {"a": 1, "b": 0}


def test_a_workshop_given_up_frees_its_place_in_the_api_at_once(
    api, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(course, answers=ANSWERS).registration
    etag = api.get(f"/api/v1/events/{course.pk}/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, anna.token, "change", {"answers": {"frokost": False}})
        assert response.status_code == 200
    after = api.get(f"/api/v1/events/{course.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    (workshop,) = [q for q in after.json()["questions"] if q["key"] == "workshop"]
    assert {o["value"]: o["places_left"] for o in workshop["options"]} == {"a": 1, "b": 1}
