"""An event's questions in the API: described in the event's representation (with places left
per option), answered in the sign-up (every kind; every problem a Danish 400 naming the
question, a full option a 409), shown back to the registrant by their token."""

from __future__ import annotations

import json

import pytest

from events.models import Registration
from tests.api.test_registrations import body, post
from tests.api.test_schema import schema  # noqa: F401
from tests.events.conftest import edit_form_data, saved_questions
from tests.events.questions import option, question, with_questions
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def conference(event_of, vive):
    return with_questions(
        event_of,
        vive,
        question("Hvad vil du gerne lære?", key="maal", help_text="Et par ord."),
        question("Hvilken sag tager du med?", "long_text", key="sag"),
        question("Års erfaring", "number", key="erfaring"),
        question("Hvornår startede du?", "date", key="startdato"),
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
            "Arbejder du i myndighed eller almenområdet?",
            "choice",
            key="omraade",
            data_class="statistical",
            options=[option("myndighed", "Myndighed"), option("almen", "Almenområdet")],
        ),
        question(
            "Hvilke emner?",
            "multiple_choice",
            key="emner",
            options=[option("samtaler", "Samtaler"), option("gammel", "Gammel", active=False)],
        ),
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            required=True,
            options=[option("a", "Workshop A", 1), option("b", "Workshop B", 30)],
        ),
        question("Hvilken kommune sender dig?", "municipality", key="kommune"),
        question("Din stilling", "job_role", key="stilling", per_participant=True),
        capacity=100,
    )


ANSWERS = {
    "maal": "Bedre samtaler",
    "sag": "En sag om samvær",
    "erfaring": 7,
    "startdato": "2020-01-15",
    "frokost": True,
    "kost": "Glutenfri",
    "omraade": "myndighed",
    "emner": ["samtaler"],
    "workshop": "a",
    "kommune": "0101",
    "stilling": "sagsbehandlere",
}


def _questions(api, event) -> dict[str, dict]:
    response = api.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    return {q["key"]: q for q in response.json()["questions"]}


def test_the_event_describes_its_questions_in_order(api, conference):
    response = api.get(f"/api/v1/events/{conference.pk}/")
    questions = response.json()["questions"]
    assert [q["key"] for q in questions] == list(ANSWERS)
    by_key = {q["key"]: q for q in questions}
    assert by_key["maal"] == {
        "key": "maal",
        "kind": "text",
        "label": "Hvad vil du gerne lære?",
        "help_text": "Et par ord.",
        "required": False,
        "options": [],
        "shown_if": None,
        "per_participant": False,
        "data_class": "ordinary",
    }
    assert by_key["kost"]["shown_if"] == {"question": "frokost", "value": True}
    assert by_key["kost"]["data_class"] == "sensitive"
    assert by_key["omraade"]["options"] == [
        {"value": "myndighed", "label": "Myndighed", "places_left": None},
        {"value": "almen", "label": "Almenområdet", "places_left": None},
    ]
    # An option no longer offered is not listed.
    assert [o["value"] for o in by_key["emner"]["options"]] == ["samtaler"]
    assert by_key["workshop"]["options"][0] == {
        "value": "a",
        "label": "Workshop A",
        "places_left": 1,
    }
    assert by_key["stilling"]["per_participant"] is True


def test_every_kind_is_answered_through_the_api_and_shown_back_by_token(api, conference):
    response = post(api, conference.pk, body(answers=ANSWERS))
    assert response.status_code == 201, response.json()
    registration = Registration.objects.get(event=conference)
    mine = api.get(f"/api/v1/registrations/{registration.token}/").json()
    answers = {a["key"]: a for a in mine["answers"]}
    assert list(answers) == list(ANSWERS)
    assert {key: a["value"] for key, a in answers.items()} == ANSWERS
    assert answers["startdato"]["text"] == "15. januar 2020"
    assert answers["frokost"] == {
        "key": "frokost",
        "question": "Deltager du i frokosten?",
        "value": True,
        "text": "Ja",
    }
    assert answers["kommune"]["text"] == "København"


def test_places_left_follow_the_sign_ups_and_a_full_option_is_a_409(api, conference):
    answers = {"frokost": False, "workshop": "a"}
    assert post(api, conference.pk, body(email="a@kommune.example", answers=answers)).status_code
    assert _questions(api, conference)["workshop"]["options"][0]["places_left"] == 0
    listed = api.get("/api/v1/events/").json()["results"]
    (workshop,) = [q for q in listed[0]["questions"] if q["key"] == "workshop"]
    assert workshop["options"][0]["places_left"] == 0

    response = post(api, conference.pk, body(email="b@kommune.example", answers=answers))
    assert response.status_code == 409
    message = "Hvilken workshop: “Workshop A” har ikke flere pladser. Vælg en anden mulighed."
    assert response.json() == {
        "detail": message,
        "code": "option_full",
        "errors": {"answers.workshop": [message]},
        "codes": {"answers.workshop": ["option_full"]},
    }
    assert not Registration.objects.filter(email="b@kommune.example").exists()


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        (
            {"frokost": True, "workshop": "c"},
            {"answers.workshop": ["Hvilken workshop: vælg en af mulighederne."]},
        ),
        ({"frokost": True}, {"answers.workshop": ["Hvilken workshop: besvar spørgsmålet."]}),
        (
            {"frokost": False, "workshop": "a", "kost": "Vegetar"},
            {
                "answers.kost": [
                    "Har du særlige kostbehov: spørgsmålet stilles kun, når “Deltager du i "
                    "frokosten” er besvaret med “ja”, så det skal ikke besvares."
                ]
            },
        ),
        (
            {"frokost": True, "workshop": "a", "ukendt": "x"},
            {"answers": ["Svar: arrangementet stiller ikke spørgsmålet “ukendt”."]},
        ),
        (
            {"frokost": "ja", "workshop": "a"},
            {"answers.frokost": ["Deltager du i frokosten: svar ja eller nej."]},
        ),
        (
            {"frokost": True, "workshop": "a", "emner": ["gammel"]},
            {"answers.emner": ["Hvilke emner: vælg en eller flere af mulighederne, som en liste."]},
        ),
    ],
)
def test_bad_answers_are_a_400_naming_the_question(api, conference, answers, errors):
    response = post(api, conference.pk, body(answers=answers))
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert response.json()["detail"] == next(iter(errors.values()))[0]
    assert not Registration.objects.exists()


HOSTILE = [
    ("maal", {"nested": {"deeper": ["x"]}}),
    ("maal", ["a", "b"]),
    ("maal", "x" * 60_000),
    ("maal", "\x00"),
    ("maal", "tekst\x00med NUL"),
    ("sag", 1e308),
    ("erfaring", "1" * 5000),
    ("erfaring", "-Infinity"),
    ("erfaring", [1]),
    ("erfaring", {"tal": 1}),
    ("startdato", "2020-13-45"),
    ("startdato", "\x00"),
    ("startdato", 20200101),
    ("frokost", "true"),
    ("frokost", 1),
    ("omraade", {"value": "myndighed"}),
    ("omraade", True),
    ("emner", [["samtaler"]]),
    ("emner", [{"value": "samtaler"}]),
    ("emner", ["samtaler"] * 200),
    ("emner", ["\x00"]),
    ("workshop", None),
    ("workshop", ["a"]),
    ("kommune", "0101\x00"),
    ("kommune", "0" * 5000),
    ("stilling", "../../etc/passwd"),
    ("stilling", "sagsbehandlere\x00"),
]


@pytest.mark.parametrize(("key", "value"), HOSTILE)
def test_hostile_answers_are_a_400_naming_the_question_never_a_5xx(api, conference, key, value):
    answers = {"frokost": False, "workshop": "b", key: value}
    response = post(api, conference.pk, body(answers=answers))
    if response.status_code == 413:  # over 64 KiB: refused before it is read
        return
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert list(errors) == [f"answers.{key}"], errors
    label = _questions(api, conference)[key]["label"].rstrip("?")
    assert errors[f"answers.{key}"][0].startswith(label + ": ")
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [["frokost"], "frokost", 1, True, {str(n): n for n in range(101)}],
)
def test_answers_that_are_no_object_are_a_400_under_answers(api, conference, answers):
    response = post(api, conference.pk, body(answers=answers))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answers"]


def test_odd_keys_are_named_cut_short_and_never_a_5xx(api, conference):
    answers = {"frokost": False, "workshop": "b", "\x00": 1, "k" * 3000: {"x": [1]}, "": None}
    raw = json.dumps(body(answers=answers))
    response = post(api, conference.pk, raw)
    assert response.status_code == 400
    messages = response.json()["errors"]["answers"]
    assert len(messages) == 3
    assert all(len(message) < 150 for message in messages)


def test_a_sign_up_without_answers_to_an_event_without_questions_is_as_before(api, event_of, vive):
    event = event_of(vive, capacity=5)
    assert _questions(api, event) == {}
    assert post(api, event.pk, body()).status_code == 201
    assert post(api, event.pk, body(email="b@kommune.example", answers={})).status_code == 201


def test_the_list_reads_questions_in_queries_that_do_not_grow_with_its_size(api, event_of, vive):
    for n in range(12):
        with_questions(
            event_of,
            vive,
            question("Workshop", "limited_choice", key="workshop", options=[option("a", "A", 9)]),
            question("Frokost", "yes_no", key="frokost"),
            title=f"Konference {n}",
        )

    def count(size: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/api/v1/events/?page_size={size}&nocache={size}")
        assert response.status_code == 200
        assert all(len(event["questions"]) == 2 for event in response.json()["results"])
        return len(ctx.captured_queries)

    count(1)
    assert count(3) == count(12)


def test_the_registrants_answers_never_reach_the_event(api, conference):
    post(api, conference.pk, body(answers=ANSWERS))
    text = api.get(f"/api/v1/events/{conference.pk}/").content.decode()
    assert "Glutenfri" not in text and "En sag om samvær" not in text


def test_the_schema_describes_questions_and_answers(schema):  # noqa: F811 (the fixture)
    components = schema["components"]["schemas"]
    assert "questions" in components["Event"]["properties"]
    question_schema = components["Question"]["properties"]
    assert {"key", "kind", "label", "options", "shown_if", "per_participant"} <= set(
        question_schema
    )
    answers = components["RegistrationCreate"]["properties"]["answers"]
    assert answers["type"] == "object"
    assert "answers.<key>" in answers["description"]
    assert "answers" in components["Registration"]["properties"]


def test_the_preview_shows_a_drafts_questions_with_the_places_left(
    client, event_of, vive, vive_editor
):
    event = with_questions(
        event_of,
        vive,
        question("Hvilken workshop?", "limited_choice", key="ws", options=[option("a", "A", 3)]),
    )
    sign_up(event, answers={"ws": "a"})
    client.force_login(vive_editor)
    preview_url = f"/admin/pages/{event.pk}/edit/preview/"
    drafted = [*saved_questions(event), {"label": "Deltager du i frokosten?", "kind": "yes_no"}]
    data = edit_form_data(event, questions=drafted)
    assert client.post(preview_url, data).json()["is_valid"]

    response = client.get(preview_url + "?mode=api")
    listed = response.json()["questions"]
    assert [q["key"] for q in listed] == ["ws", "deltager-du-i-frokosten"]
    assert listed[0]["options"][0]["places_left"] == 2
    html = client.get(preview_url).content.decode()
    assert "Spørgsmål ved tilmelding" in html
    assert "A (2 ledige)" in html
