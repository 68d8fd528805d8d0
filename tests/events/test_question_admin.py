"""Editors write an event's questions in the event's own form (an inline panel), as a browser
posts it; the form checks each question and the questions together."""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.models import EventIndexPage, EventPage, EventQuestion
from tests.events.conftest import edit_form_data, event_form_data, local
from tests.events.questions import option, question, with_questions
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2031, 9, 15, 10, 0)
SESSIONS = [{"title": "", "start": START, "end": START + timedelta(hours=2)}]

EVERY_KIND = [
    {"label": "Hvad vil du gerne have ud af dagen?", "kind": "text"},
    {"label": "Hvilken sag tager du med?", "kind": "long_text", "key": "sag"},
    {"label": "Hvor mange års erfaring har du?", "kind": "number", "key": "erfaring"},
    {"label": "Hvornår startede du i jobbet?", "kind": "date", "key": "start"},
    {"label": "Deltager du i frokosten?", "kind": "yes_no", "key": "frokost", "required": True},
    {
        "label": "Har du særlige kostbehov?",
        "kind": "long_text",
        "key": "kost",
        "data_class": "sensitive",
        "shown_if_question": "frokost",
        "shown_if_value": "ja",
    },
    {
        "label": "Arbejder du i myndighed eller almenområdet?",
        "kind": "choice",
        "key": "omraade",
        "data_class": "statistical",
        "options": [{"label": "Myndighed"}, {"label": "Almenområdet"}],
    },
    {
        "label": "Hvilke emner interesserer dig?",
        "kind": "multiple_choice",
        "key": "emner",
        "options": [{"label": "Børnesamtaler"}, {"label": "Handleplaner"}],
    },
    {
        "label": "Hvilken workshop vil du deltage i?",
        "kind": "limited_choice",
        "key": "workshop",
        "required": True,
        "options": [
            {"label": "Workshop A: Børnesamtalen", "value": "a", "places": 30},
            {"label": "Workshop B: Handleplanen", "value": "b", "places": 20},
        ],
    },
    {"label": "Hvilken kommune sender dig?", "kind": "municipality", "key": "kommune"},
    {"label": "Hvad er din stilling?", "kind": "job_role", "key": "stilling"},
]


def _add(client, partner, **fields):
    folder = EventIndexPage.objects.get(partner=partner)
    data = event_form_data(
        title="Konference om børns stemmer",
        slug="konference-om-boerns-stemmer",
        registration_closes=START - timedelta(days=2),
        sessions=SESSIONS,
        **fields,
    )
    return client.post(f"/admin/pages/add/events/eventpage/{folder.pk}/", data)


def _question_errors(response) -> list[dict]:
    formset = response.context["form"].formsets["questions"]
    return [dict(form.errors) for form in formset.forms]


def test_editor_writes_questions_of_every_kind_in_the_event_form(client, vive, vive_editor):
    client.force_login(vive_editor)
    response = _add(client, vive, questions=EVERY_KIND)
    assert response.status_code == 302, _question_errors(response)

    event = EventPage.objects.get(slug="konference-om-boerns-stemmer")
    questions = list(event.get_latest_revision_as_object().questions.all())
    assert [q.kind for q in questions] == [spec["kind"] for spec in EVERY_KIND]
    by_key = {q.key: q for q in questions}
    # A key left empty is made from the question; an option's from its label.
    assert questions[0].key == "hvad-vil-du-gerne-have-ud-af-dagen"
    assert [o.value for o in by_key["omraade"].option_list()] == ["myndighed", "almenomraadet"]
    assert [(o.value, o.places) for o in by_key["workshop"].option_list()] == [
        ("a", 30),
        ("b", 20),
    ]
    assert by_key["kost"].condition_value() is True
    assert by_key["kost"].data_class == "sensitive"


def test_the_form_says_what_is_wrong_with_each_question(client, vive, vive_editor):
    client.force_login(vive_editor)
    response = _add(
        client,
        vive,
        questions=[
            {"label": "Hvilket modul følger du?", "kind": "choice", "key": "modul"},
            {
                "label": "Workshop",
                "kind": "limited_choice",
                "key": "workshop",
                "options": [{"label": "A", "value": "a"}],
            },
            {"label": "Alder", "kind": "number", "key": "Alder med mellemrum"},
            {"label": "Noter", "kind": "text", "options": [{"label": "Hov"}]},
        ],
    )
    assert response.status_code == 200
    errors = _question_errors(response)
    assert errors[0] == {"options": ["Svarmuligheder: tilføj mindst én svarmulighed."]}
    assert errors[1] == {"options": ["Svarmuligheder: angiv antal pladser for hver mulighed."]}
    assert "Nøgle: brug små bogstaver" in errors[2]["key"][0]
    assert "bruges kun ved spørgsmål, hvor man vælger" in errors[3]["options"][0]
    assert not EventPage.objects.filter(slug="konference-om-boerns-stemmer").exists()


def test_keys_are_unique_and_conditions_name_an_earlier_question(client, vive, vive_editor):
    client.force_login(vive_editor)
    response = _add(
        client,
        vive,
        questions=[
            {
                "label": "Kostbehov",
                "kind": "long_text",
                "key": "kost",
                "shown_if_question": "frokost",
                "shown_if_value": "ja",
            },
            {"label": "Deltager du i frokosten?", "kind": "yes_no", "key": "frokost"},
            {"label": "Frokost igen", "kind": "yes_no", "key": "frokost"},
            {
                "label": "Hvorfor?",
                "kind": "text",
                "key": "hvorfor",
                "shown_if_question": "frokost",
                "shown_if_value": "måske",
            },
            {
                "label": "Hvad?",
                "kind": "text",
                "key": "hvad",
                "shown_if_question": "hvorfor",
                "shown_if_value": "derfor",
            },
        ],
    )
    assert response.status_code == 200
    errors = _question_errors(response)
    assert errors[0] == {
        "shown_if_question": ["Betingelse: “frokost” er ikke nøglen på et tidligere spørgsmål."]
    }
    assert errors[1] == {}
    assert errors[2] == {"key": ["Nøgle: “frokost” bruges af et andet spørgsmål."]}
    assert errors[3] == {
        "shown_if_value": ["Betingelse: “måske” er ikke et svar på “Deltager du i frokosten”."]
    }
    assert errors[4] == {
        "shown_if_question": [
            "Betingelse: spørgsmålet skal være et ja/nej-spørgsmål eller et valg."
        ]
    }


def test_a_condition_may_name_an_option_by_its_label(client, vive, vive_editor):
    client.force_login(vive_editor)
    response = _add(
        client,
        vive,
        questions=[
            {
                "label": "Område",
                "kind": "choice",
                "key": "omraade",
                "options": [{"label": "Myndighed"}, {"label": "Almenområdet"}],
            },
            {
                "label": "Hvilken myndighed?",
                "kind": "text",
                "key": "hvilken",
                "shown_if_question": "omraade",
                "shown_if_value": "Myndighed",
            },
        ],
    )
    assert response.status_code == 302, _question_errors(response)
    event = EventPage.objects.get(slug="konference-om-boerns-stemmer")
    saved = event.get_latest_revision_as_object().questions.all()
    assert saved[1].shown_if_value == "myndighed"


def _publish(client, event, data):
    data = {**data, "action-publish": "action-publish"}
    return client.post(f"/admin/pages/{event.pk}/edit/", data)


def test_an_option_with_answers_cannot_be_removed_but_can_be_closed(
    client, event_of, vive, vive_moderator
):
    event = with_questions(
        event_of,
        vive,
        question("Hvilket modul følger du?", "choice", key="modul", options=["m1", "m2"]),
    )
    sign_up(event, answers={"modul": "m2"})
    client.force_login(vive_moderator)

    data = edit_form_data(event)
    data["questions-0-options-1-deleted"] = "1"  # the editor removes "m2"
    response = _publish(client, event, data)
    assert response.status_code == 200
    assert _question_errors(response)[0] == {
        "options": [
            "Svarmuligheder: “m2” har svar og kan ikke fjernes eller få ny nøgle. Fjern i "
            "stedet fluebenet ved “Kan vælges”."
        ]
    }
    assert [o.value for o in EventQuestion.objects.get(page=event).option_list()] == ["m1", "m2"]

    data = edit_form_data(event)
    del data["questions-0-options-1-value-active"]  # closed instead: kept, no longer offered
    data["questions-0-options-0-value-label"] = "Modul 1 (forår)"  # a label may change
    response = _publish(client, event, data)
    assert response.status_code == 302, _question_errors(response)
    options = EventQuestion.objects.get(page=event).option_list()
    assert [(o.value, o.label, o.active) for o in options] == [
        ("m1", "Modul 1 (forår)", True),
        ("m2", "M2", False),
    ]


def test_a_key_with_answers_cannot_change(client, event_of, vive, vive_moderator):
    event = with_questions(event_of, vive, question("Hvad tager du med?", key="sag"))
    sign_up(event, answers={"sag": "En sag om samvær"})
    client.force_login(vive_moderator)
    data = edit_form_data(event)
    data["questions-0-key"] = "min-sag"
    response = _publish(client, event, data)
    assert response.status_code == 200
    assert _question_errors(response)[0] == {
        "key": ["Nøgle: spørgsmålet har svar, så nøglen “sag” kan ikke ændres."]
    }


def test_a_question_with_answers_may_be_deleted_and_its_answers_stay(
    client, event_of, vive, vive_moderator
):
    event = with_questions(
        event_of,
        vive,
        question("Hvad tager du med?", key="sag"),
        question("Frokost", "yes_no", key="frokost"),
    )
    registration = sign_up(event, answers={"sag": "Samvær", "frokost": True}).registration
    client.force_login(vive_moderator)
    data = edit_form_data(event)
    data["questions-0-DELETE"] = "on"
    response = _publish(client, event, data)
    assert response.status_code == 302, _question_errors(response)
    assert [q.key for q in EventPage.objects.get(pk=event.pk).questions.all()] == ["frokost"]
    assert {a.key: a.text for a in registration.answers.all()} == {
        "sag": "Samvær",
        "frokost": "Ja",
    }


def test_option_keys_stay_when_labels_are_reworded_through_the_form(
    client, event_of, vive, vive_moderator
):
    event = with_questions(
        event_of,
        vive,
        question(
            "Workshop",
            "limited_choice",
            key="workshop",
            options=[option("a", "Workshop A", 10)],
        ),
    )
    client.force_login(vive_moderator)
    data = edit_form_data(event)
    data["questions-0-options-0-value-label"] = "Workshop A: Samtalen"
    data["questions-0-options-0-value-places"] = "12"
    response = _publish(client, event, data)
    assert response.status_code == 302, _question_errors(response)
    (saved,) = EventQuestion.objects.get(page=event).option_list()
    assert (saved.value, saved.label, saved.places) == ("a", "Workshop A: Samtalen", 12)


def test_the_edit_form_shows_the_questions_with_their_options(client, event_of, vive, vive_editor):
    event = with_questions(
        event_of,
        vive,
        question(
            "Hvilken workshop vil du deltage i?",
            "limited_choice",
            key="workshop",
            options=[option("a", "Workshop A: Samtalen", 30)],
        ),
    )
    client.force_login(vive_editor)
    response = client.get(f"/admin/pages/{event.pk}/edit/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Spørgsmål ved tilmelding" in page
    assert 'value="Hvilken workshop vil du deltage i?"' in page
    assert "Workshop A: Samtalen" in page  # in the options' StreamField data
    assert 'id="id_questions-ADD"' in page


def test_asked_once_or_per_participant_is_a_danish_choice_in_the_form(
    client, event_of, vive, vive_editor
):
    event = with_questions(
        event_of,
        vive,
        question("Kostbehov", "long_text", key="kost", per_participant=True),
        question("Område", "text", key="omraade"),
        participation="staff_group",
        capacity=20,
    )
    client.force_login(vive_editor)
    page = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert "Én gang pr. tilmelding" in page
    assert "For hver navngiven deltager (kun forløb for en medarbejdergruppe)" in page
    assert 'name="questions-0-per_participant" value="True"' in page
    # Posted as the radio buttons post it, the choice is kept.
    data = edit_form_data(event)
    data["questions-0-per_participant"] = "False"
    data["questions-1-per_participant"] = "True"
    response = client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 302
    revision = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert [q.per_participant for q in revision.questions.all()] == [False, True]
