"""Answers to an event's questions at sign-up, through the service: every kind, conditions,
what is refused (each message naming the question), and an option's own places."""

from __future__ import annotations

import pytest

from events.errors import EventsError
from events.models import Registration, RegistrationAnswer
from events.registrations.applications import application_decline
from events.registrations.services import registration_cancel
from tests.events.questions import option, question, with_questions
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    """A course asking one question of every kind, the dietary needs only after lunch."""
    return with_questions(
        event_of,
        vive,
        question("Hvad vil du gerne lære?", key="maal"),
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
            "Hvilket modul følger du?",
            "choice",
            key="modul",
            required=True,
            options=[option("m1", "Modul 1"), option("m2", "Modul 2"), option("m3", active=False)],
        ),
        question(
            "Hvilke emner?",
            "multiple_choice",
            key="emner",
            options=[option("samtaler", "Samtaler"), option("planer", "Handleplaner")],
        ),
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            options=[option("a", "Workshop A", 2), option("b", "Workshop B", 50)],
        ),
        question("Hvilken kommune sender dig?", "municipality", key="kommune"),
        question("Din stilling", "job_role", key="stilling"),
        capacity=100,
    )


FULL = {
    "maal": "  At tale med børn  ",
    "sag": "En sag om samvær",
    "erfaring": "2,5",
    "startdato": "2019-08-01",
    "frokost": True,
    "kost": "Vegetar",
    "modul": "m2",
    "emner": ["planer", "samtaler"],
    "workshop": "b",
    "kommune": "0101",
    "stilling": "sagsbehandlere",
}


def _refused(event, answers, **fields) -> EventsError:
    with pytest.raises(EventsError) as caught:
        sign_up(event, answers=answers, **fields)
    return caught.value


def test_every_kind_is_stored_with_its_readable_text(course):
    registration = sign_up(course, answers=FULL).registration
    stored = {a.key: (a.value, a.text, a.data_class) for a in registration.answers.all()}
    assert stored == {
        "maal": ("At tale med børn", "At tale med børn", "ordinary"),
        "sag": ("En sag om samvær", "En sag om samvær", "ordinary"),
        "erfaring": (2.5, "2,5", "ordinary"),
        "startdato": ("2019-08-01", "1. august 2019", "ordinary"),
        "frokost": (True, "Ja", "ordinary"),
        "kost": ("Vegetar", "Vegetar", "sensitive"),
        "modul": ("m2", "Modul 2", "ordinary"),
        "emner": (["samtaler", "planer"], "Samtaler, Handleplaner", "ordinary"),
        "workshop": ("b", "Workshop B", "ordinary"),
        "kommune": ("0101", "København", "ordinary"),
        "stilling": ("sagsbehandlere", "Sagsbehandlere", "ordinary"),
    }
    assert [a.key for a in registration.answers.all()] == list(FULL)
    assert registration.answers.first().label == "Hvad vil du gerne lære?"


def test_only_required_questions_need_answers_and_empty_ones_are_no_answer(course):
    registration = sign_up(
        course, answers={"frokost": False, "modul": "m1", "sag": "  ", "emner": [], "maal": None}
    ).registration
    assert {a.key for a in registration.answers.all()} == {"frokost", "modul"}


def test_a_missing_required_answer_names_the_question(course):
    error = _refused(course, {"frokost": True})
    assert error.http_status == 400
    assert error.errors == {"answers.modul": ["Hvilket modul følger du: besvar spørgsmålet."]}
    assert error.message == "Hvilket modul følger du: besvar spørgsmålet."
    assert not Registration.objects.filter(event=course).exists()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("modul", "m9", "Hvilket modul følger du: vælg en af mulighederne."),
        ("modul", "m3", "Hvilket modul følger du: vælg en af mulighederne."),  # not offered
        ("modul", ["m1"], "Hvilket modul følger du: vælg en af mulighederne."),
        ("emner", "planer", "Hvilke emner: vælg en eller flere af mulighederne, som en liste."),
        ("emner", ["planer", "planer"], "Hvilke emner: vælg en eller flere"),
        ("emner", ["planer", 3], "Hvilke emner: vælg en eller flere"),
        ("workshop", "c", "Hvilken workshop: vælg en af mulighederne."),
        ("maal", 42, "Hvad vil du gerne lære: skriv svaret som tekst."),
        ("maal", {"a": 1}, "Hvad vil du gerne lære: skriv svaret som tekst."),
        ("maal", "x" * 501, "Hvad vil du gerne lære: højst 500 tegn."),
        ("sag", "x" * 5001, "Hvilken sag tager du med: højst 5000 tegn."),
        ("maal", "før\x00efter", "Hvad vil du gerne lære: svaret indeholder et ugyldigt tegn."),
        ("erfaring", "mange", "Års erfaring: skriv et tal, fx 12 eller 2,5."),
        ("erfaring", True, "Års erfaring: skriv et tal"),
        ("erfaring", "1e400", "Års erfaring: skriv et tal"),
        ("erfaring", "NaN", "Års erfaring: skriv et tal"),
        ("startdato", "1/8 2019", "Hvornår startede du: skriv en dato som ÅÅÅÅ-MM-DD"),
        ("startdato", "2019-02-30", "Hvornår startede du: skriv en dato som ÅÅÅÅ-MM-DD"),
        ("startdato", "20190801", "Hvornår startede du: skriv en dato som ÅÅÅÅ-MM-DD"),
        ("kommune", "9999", "Hvilken kommune sender dig: vælg en kommune"),
        ("kommune", 101, "Hvilken kommune sender dig: vælg en kommune"),
        ("kommune", "01\x0001", "Hvilken kommune sender dig: vælg en kommune"),
        ("stilling", "astronaut", "Din stilling: vælg en stillingsgruppe"),
    ],
)
def test_a_wrong_answer_is_refused_naming_the_question(course, key, value, message):
    answers = {"frokost": False, "modul": "m1", key: value}
    error = _refused(course, answers)
    assert error.http_status == 400
    assert list(error.errors) == [f"answers.{key}"]
    assert error.errors[f"answers.{key}"][0].startswith(message)


@pytest.mark.parametrize("frokost", [False, None])
def test_an_answer_to_a_hidden_question_is_refused(course, frokost):
    answers = {"modul": "m1", "kost": "Vegetar"}
    if frokost is not None:
        answers["frokost"] = frokost
    error = _refused(course, answers)
    assert error.errors["answers.kost"] == [
        "Har du særlige kostbehov: spørgsmålet stilles kun, når “Deltager du i frokosten” er "
        "besvaret med “ja”, så det skal ikke besvares."
    ]


def test_unknown_keys_are_refused_and_every_problem_reported_at_once(course):
    error = _refused(course, {"frokost": "ja", "ukendt": 1, "x" * 200: 2})
    assert error.http_status == 400
    assert error.message == "Svar: 4 svar kan ikke bruges; se beskeden ved hvert spørgsmål."
    assert error.errors["answers.frokost"] == ["Deltager du i frokosten: svar ja eller nej."]
    assert error.errors["answers.modul"] == ["Hvilket modul følger du: besvar spørgsmålet."]
    unknown = error.errors["answers"]
    assert unknown[0] == "Svar: arrangementet stiller ikke spørgsmålet “ukendt”."
    assert len(unknown[1]) < 120  # a huge key is cut short in the message


def test_answers_must_be_an_object(course):
    error = _refused(course, ["frokost"])
    assert error.errors == {
        "answers": ["Svar: angiv svarene som et objekt med spørgsmålenes nøgler."]
    }


def test_a_condition_on_several_choices_shows_when_the_value_is_among_them(event_of, vive):
    event = with_questions(
        event_of,
        vive,
        question("Emner", "multiple_choice", key="emner", options=["samtaler", "planer"]),
        question(
            "Hvilke samtaler?",
            key="hvilke",
            required=True,
            shown_if_question="emner",
            shown_if_value="samtaler",
        ),
    )
    sign_up(event, answers={"emner": ["planer"]})
    error = _refused(event, {"emner": ["planer", "samtaler"]})
    assert error.errors == {"answers.hvilke": ["Hvilke samtaler: besvar spørgsmålet."]}
    registration = sign_up(event, answers={"emner": ["samtaler"], "hvilke": "Børnesamtaler"})
    assert registration.registration.answers.count() == 2


def test_an_option_fills_up_and_a_cancellation_frees_its_place(course):
    base = {"frokost": False, "modul": "m1"}
    first = sign_up(course, answers={**base, "workshop": "a"}).registration
    sign_up(course, answers={**base, "workshop": "a"})
    error = _refused(course, {**base, "workshop": "a"})
    assert error.http_status == 409
    assert (error.field, error.message) == (
        "answers.workshop",
        "Hvilken workshop: “Workshop A” har ikke flere pladser. Vælg en anden mulighed.",
    )
    assert sign_up(course, answers={**base, "workshop": "b"}).status == "confirmed"
    assert RegistrationAnswer.objects.filter(key="workshop", value="a").count() == 2

    registration_cancel(registration=first)
    assert sign_up(course, answers={**base, "workshop": "a"}).status == "confirmed"


def test_a_place_on_the_waiting_list_holds_its_option(event_of, vive):
    event = with_questions(
        event_of,
        vive,
        question("Workshop", "limited_choice", key="workshop", options=[option("a", "A", 2)]),
        capacity=1,
        waiting_list_enabled=True,
    )
    assert sign_up(event, answers={"workshop": "a"}).status == "confirmed"
    assert sign_up(event, answers={"workshop": "a"}).status == "waiting_list"
    assert _refused(event, {"workshop": "a"}).code == "option_full"


def test_a_staff_group_takes_an_options_places_for_each_participant(event_of, vive):
    event = with_questions(
        event_of,
        vive,
        question("Workshop", "limited_choice", key="workshop", options=[option("a", "A", 8)]),
        participation="staff_group",
        capacity=40,
    )
    first = apply_group(event, participants=5, answers={"workshop": "a"}).registration
    with pytest.raises(EventsError) as caught:
        apply_group(event, participants=4, answers={"workshop": "a"})
    assert caught.value.code == "option_full"
    application_decline(registration=first)
    assert apply_group(event, participants=8, answers={"workshop": "a"}).status == "pending"


def test_a_repeated_sign_up_gets_what_a_new_one_would_and_keeps_the_first_answers(course):
    answers = {"frokost": False, "modul": "m1"}
    first = sign_up(course, email="ane@kommune.example", answers=answers)
    again = sign_up(course, email="ane@kommune.example", answers={**answers, "modul": "m2"})
    assert (again.created, again.status) == (False, first.status)
    assert [a.value for a in first.registration.answers.filter(key="modul")] == ["m1"]
    # The same answer to answers that a new sign-up would get refused.
    error = _refused(course, {"frokost": False}, email="ane@kommune.example")
    assert error.errors == {"answers.modul": ["Hvilket modul følger du: besvar spørgsmålet."]}


def test_a_retry_with_the_same_key_but_other_answers_is_refused(course):
    answers = {"frokost": False, "modul": "m1"}
    person = {"name": "Bo Holm", "email": "bo@kommune.example", "idempotency_key": "k1"}
    sign_up(course, answers=answers, **person)
    assert sign_up(course, answers=answers, **person).replayed
    error = _refused(course, {**answers, "modul": "m2"}, **person)
    assert error.code == "idempotency_key_reused"


def test_an_event_without_questions_takes_no_answers(event_of, vive):
    event = event_of(vive)
    assert sign_up(event).status == "confirmed"
    assert sign_up(event, answers={}).status == "confirmed"
    error = _refused(event, {"modul": "m1"})
    assert error.errors == {"answers": ["Svar: arrangementet stiller ikke spørgsmålet “modul”."]}
