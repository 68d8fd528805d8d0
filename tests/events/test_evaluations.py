"""Course evaluations: who is invited and when, the invitation and the one reminder exactly once
through a real SMTP server however often the schedule runs, the one-time link, the answers
kept without any link to the person, the report's numbers and exports, and the other partner's
people seeing nothing."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from events.evaluations.services import evaluations_send_due
from events.models import (
    EmailKind,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EventEvaluationQuestion,
    EventPage,
    OutboundEmail,
    Registration,
)
from events.models.evaluations import evaluation_token_hash
from tests.events.conftest import local
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.test_certificates import attend, build_course, person, sessions_of

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2030, 3, 4, 9)
AFTER = START + timedelta(days=15)  # the third session (day 14) is over
LINK = re.compile(r"https?://[^\s\"'<>]*/evaluering/([A-Za-z0-9_-]+)/")


@pytest.fixture
def course(event_of, vive):
    return build_course(event_of, vive, title="Børns perspektiv i sagsbehandlingen")


def send_due(moment, callbacks) -> int:
    with freeze_time(moment), callbacks(execute=True):
        return evaluations_send_due()


def subject(message) -> str:
    return " ".join(message["Subject"].split())


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def answer_page(token: str) -> str:
    return reverse("evaluations:answer", args=[token])


def invited_course(course, callbacks, *, people=2):
    """A finished course whose first ``people`` attendees have their invitations; returns the
    tokens from the emails, by address."""
    for number in range(people):
        registration = person(course, f"Deltager {number}", f"d{number}@kommune.example")
        attend(course, registration, 3)
    send_due(AFTER, callbacks)
    return {
        email.to: token_in(email.body_text)
        for email in OutboundEmail.objects.filter(kind=EmailKind.EVALUATION_INVITATION)
    }


GOOD = {"q_samlet": "5", "q_relevans": "4", "q_anvendelse": "3", "q_anbefaling": "ja"}


# --- who is invited, and when ---------------------------------------------------------------


def test_attendees_are_invited_after_the_last_session_and_absentees_not(
    course, django_capture_on_commit_callbacks
):
    came = person(course, "Søren Ærø", "soeren@kommune.example")
    away = person(course, "Åse Øster", "aase@kommune.example")
    attend(course, came, 1)
    attend(course, away, 3, status="absent")
    last = sessions_of(course)[-1]
    assert send_due(last.starts_at() + timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert send_due(AFTER, django_capture_on_commit_callbacks) == 1
    [invitation] = EvaluationInvitation.objects.all()
    assert invitation.registration == came and not invitation.answered


def test_without_attendance_confirmed_registrants_are_invited(
    course, django_capture_on_commit_callbacks
):
    person(course, "Søren Ærø", "soeren@kommune.example")
    person(course, "Åse Øster", "aase@kommune.example")
    assert send_due(AFTER, django_capture_on_commit_callbacks) == 2


def test_an_event_that_does_not_evaluate_invites_nobody(
    event_of, vive, django_capture_on_commit_callbacks
):
    course = build_course(event_of, vive, evaluation_enabled=False)
    person(course, "Søren Ærø", "soeren@kommune.example")
    assert send_due(AFTER, django_capture_on_commit_callbacks) == 0


def test_an_external_evaluation_link_keeps_todays_behaviour(
    event_of, vive, django_capture_on_commit_callbacks
):
    course = build_course(event_of, vive, evaluation_url="https://survey.example/evaluering")
    person(course, "Søren Ærø", "soeren@kommune.example")
    assert send_due(AFTER, django_capture_on_commit_callbacks) == 0
    assert not EvaluationInvitation.objects.exists()


# --- exactly once, through a real SMTP server -------------------------------------------------


def test_invitation_and_reminder_go_once_each_through_smtp(
    course, smtp_sink, django_capture_on_commit_callbacks
):
    soeren = person(course, "Søren Ærø", "soeren@kommune.example")
    aase = person(course, "Åse Øster", "aase@kommune.example")
    attend(course, soeren, 3)
    attend(course, aase, 2)
    for _ in range(3):
        send_due(AFTER, django_capture_on_commit_callbacks)
    invitations = [m for m in smtp_sink.messages if subject(m).startswith("Hvad syntes du?")]
    assert sorted(m["To"] for m in invitations) == [
        "aase@kommune.example",
        "soeren@kommune.example",
    ]
    assert subject(invitations[0]) == (
        "Hvad syntes du? Evaluering af Børns perspektiv i sagsbehandlingen"
    )
    by_address = {m["To"]: m.get_body(("plain",)).get_content() for m in invitations}
    assert "anonyme" in by_address["soeren@kommune.example"]
    soeren_token = token_in(by_address["soeren@kommune.example"])

    # Søren answers; after the event's 5 days Åse (only) is reminded, once.
    client_answer = Client()
    response = client_answer.post(answer_page(soeren_token), GOOD)
    assert response.status_code == 302
    assert send_due(AFTER + timedelta(days=4), django_capture_on_commit_callbacks) == 0
    for _ in range(3):
        send_due(AFTER + timedelta(days=5, hours=1), django_capture_on_commit_callbacks)
    reminders = [m for m in smtp_sink.messages if subject(m).startswith("Påmindelse: evaluering")]
    assert [m["To"] for m in reminders] == ["aase@kommune.example"]
    assert len(smtp_sink.messages) == 3
    # The reminder's own link works; the first email's too.
    reminder_token = token_in(reminders[0].get_body(("plain",)).get_content())
    aase_first = token_in(by_address["aase@kommune.example"])
    assert reminder_token != aase_first
    assert client_answer.get(answer_page(aase_first)).status_code == 200
    assert client_answer.get(answer_page(reminder_token)).status_code == 200
    assert OutboundEmail.objects.filter(kind=EmailKind.EVALUATION_REMINDER).count() == 1


def test_no_reminder_without_days(event_of, vive, django_capture_on_commit_callbacks):
    course = build_course(event_of, vive, evaluation_reminder_days=None)
    person(course, "Søren Ærø", "soeren@kommune.example")
    send_due(AFTER, django_capture_on_commit_callbacks)
    assert send_due(AFTER + timedelta(days=10), django_capture_on_commit_callbacks) == 0


def test_only_a_hash_of_the_token_is_stored(course, django_capture_on_commit_callbacks):
    tokens = invited_course(course, django_capture_on_commit_callbacks, people=1)
    [token] = tokens.values()
    [invitation] = EvaluationInvitation.objects.all()
    assert invitation.token_hash == evaluation_token_hash(token)
    assert token not in str(EvaluationInvitation.objects.values().get())


# --- the answer page -------------------------------------------------------------------------


def test_an_answer_is_stored_once_and_the_link_is_then_used(
    client, course, django_capture_on_commit_callbacks
):
    tokens = invited_course(course, django_capture_on_commit_callbacks, people=1)
    [token] = tokens.values()
    page = client.get(answer_page(token))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Børns perspektiv i sagsbehandlingen" in text
    assert "Hvor tilfreds er du samlet set med arrangementet? *" in text
    assert "Content-Security-Policy" in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"
    # Not "no-referrer": Chromium would then post the form with "Origin: null" (a 403).
    assert page.headers["Referrer-Policy"] == "same-origin"

    data = GOOD | {"q_godt": "Rollespillene med børnesamtaler."}
    done = client.post(answer_page(token), data)
    assert done.status_code == 302 and done.url == reverse("evaluations:thanks")
    again = client.post(answer_page(token), data)
    assert again.status_code == 410
    assert "allerede svaret" in again.content.decode()
    assert "Børns perspektiv" not in again.content.decode()
    [response] = EvaluationResponse.objects.all()
    answers = {a.key: a.value for a in response.answers.all()}
    assert answers == {
        "samlet": 5,
        "relevans": 4,
        "anvendelse": 3,
        "anbefaling": True,
        "godt": "Rollespillene med børnesamtaler.",
    }
    assert EvaluationInvitation.objects.get().answered


def test_an_unknown_link_is_a_calm_404(client, db):
    response = client.get(answer_page("findes-ikke"))
    assert response.status_code == 404
    assert "Linket virker ikke" in response.content.decode()


def test_missing_required_answers_give_danish_errors_and_store_nothing(
    client, course, django_capture_on_commit_callbacks
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    response = client.post(answer_page(token), {"q_samlet": "5"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Hvor relevant var indholdet for dit arbejde: svar på spørgsmålet." in text
    assert not EvaluationResponse.objects.exists()
    assert not EvaluationInvitation.objects.get().answered


HOSTILE = [
    {"q_samlet": "6"},
    {"q_samlet": "0"},
    {"q_samlet": "-1"},
    {"q_samlet": "1e9"},
    {"q_samlet": "' OR 1=1 --"},
    {"q_anbefaling": "måske"},
    {"q_godt": "x" * 5000},
    {"q_godt": "nul\x00tegn"},
    {"q_bedre": "<script>alert(1)</script>" * 300},
    {"q_ukendt": "5"},
    {"csrfmiddlewaretoken": "x" * 10000},
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_are_refused_with_4xx(
    client, course, django_capture_on_commit_callbacks, hostile
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    data = {k: v for k, v in GOOD.items() if k not in hostile} | hostile
    response = client.post(answer_page(token), data)
    if "q_ukendt" in hostile or "csrfmiddlewaretoken" in hostile:
        # Unknown fields are ignored: the rest is a complete answer.
        assert response.status_code == 302
        assert EvaluationResponse.objects.count() == 1
        assert not EvaluationAnswer.objects.filter(key="ukendt").exists()
        return
    assert 400 <= response.status_code < 500
    assert not EvaluationResponse.objects.exists()


@pytest.mark.parametrize(
    "body", [b"q_samlet=%ED%A0%80", b"q_samlet=%FF%FE", b"q_samlet=" + b"5" * 100_000, b"%%%"]
)
def test_broken_bodies_are_refused_with_4xx(
    client, course, django_capture_on_commit_callbacks, body
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    response = client.post(
        answer_page(token), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert 400 <= response.status_code < 500
    assert not EvaluationResponse.objects.exists()


@pytest.mark.parametrize("token", ["x" * 65, "%00", "..", "a" * 2000, "ÆØÅ", "' OR '1'='1", "tak2"])
def test_hostile_tokens_are_404(client, db, token):
    response = client.get(f"/evaluering/{token}/")
    assert response.status_code == 404


def test_the_events_own_questions_replace_the_default_form(
    client, course, django_capture_on_commit_callbacks
):
    EventEvaluationQuestion.objects.create(
        page=course, key="tempo", label="Hvordan var tempoet?", kind="scale", required=True
    )
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    text = client.get(answer_page(token)).content.decode()
    assert "Hvordan var tempoet?" in text
    assert "Hvor tilfreds er du samlet set" not in text


# --- anonymity ------------------------------------------------------------------------------


PERSONAL_MODELS = {"registration", "groupmember", "evaluationinvitation", "user"}


@pytest.mark.parametrize("model", [EvaluationResponse, EvaluationAnswer])
def test_no_column_links_an_answer_to_a_person(model):
    """Neither the model nor its table has a way from an answer to a person or invitation."""
    related = {
        field.related_model._meta.model_name
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    assert not related & PERSONAL_MODELS
    allowed = {
        EvaluationResponse: {"id", "event_id", "submitted_on"},
        EvaluationAnswer: {
            "id",
            "response_id",
            "key",
            "label",
            "kind",
            "value",
            "text",
            "sort_order",
        },
    }[model]
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }
    assert columns == allowed
    # And nothing points back at the answers from a personal table.
    for personal in (EvaluationInvitation,):
        targets = {f.related_model for f in personal._meta.get_fields() if f.is_relation}
        assert model not in targets


def test_a_response_keeps_the_day_not_the_moment(
    client, course, django_capture_on_commit_callbacks
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    with freeze_time(AFTER + timedelta(hours=3, minutes=17)):
        client.post(answer_page(token), GOOD)
    response = EvaluationResponse.objects.get()
    assert response.submitted_on == (AFTER + timedelta(hours=3)).date()


# --- the report and its exports ----------------------------------------------------------------


REPORT = "/admin/reports/evaluations/"


def answered_course(client, course, callbacks):
    """Four attendees invited; three answer (overall 5, 3, 4; relevance 4, 2, 3; two would
    recommend it), one free text."""
    tokens = list(invited_course(course, callbacks, people=4).values())
    client.post(answer_page(tokens[0]), GOOD | {"q_godt": "Rollespillene med børnesamtaler."})
    client.post(
        answer_page(tokens[1]),
        {"q_samlet": "3", "q_relevans": "2", "q_anvendelse": "3", "q_anbefaling": "nej"},
    )
    client.post(
        answer_page(tokens[2]),
        {"q_samlet": "4", "q_relevans": "3", "q_anvendelse": "4", "q_anbefaling": "ja"},
    )
    client.logout()


def test_the_report_counts_rate_distribution_mean_and_free_text(
    client, course, vive_moderator, django_capture_on_commit_callbacks
):
    answered_course(client, course, django_capture_on_commit_callbacks)
    client.force_login(vive_moderator)
    response = client.get(REPORT, {"event": course.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert re.search(r"data-invited>4<", text)
    assert re.search(r"data-answered>3<", text)
    assert re.search(r"data-rate>75,0 %<", text)
    assert "data-withheld" not in text
    assert text.count('<svg class="reach-chart" role="img"') == 4  # three scales, one yes/no
    assert "Hvor tilfreds er du samlet set med arrangementet? (gennemsnit 4,00)" in text
    assert "Hvor relevant var indholdet for dit arbejde? (gennemsnit 3,00)" in text
    assert "Rollespillene med børnesamtaler." in text
    assert "soeren" not in text and "Deltager 0" not in text


def test_the_excel_and_csv_exports_hold_the_same_numbers(
    client, course, vive_moderator, django_capture_on_commit_callbacks
):
    answered_course(client, course, django_capture_on_commit_callbacks)
    client.force_login(vive_moderator)
    xlsx = client.get(REPORT, {"event": course.pk, "export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "Evalueringer"
    assert rows[0] == ("Spørgsmål", "Svar", "Antal", "Andel (%)", "Gennemsnit (1–5)", "Arrangement")
    overall = [r for r in rows if r[0] == "Hvor tilfreds er du samlet set med arrangementet?"]
    assert [r[1:4] for r in overall] == [
        ("1", 0, 0),
        ("2", 0, 0),
        ("3", 1, 33.3),
        ("4", 1, 33.3),
        ("5", 1, 33.3),
    ]
    assert overall[0][4] == 4
    recommend = [r[1:3] for r in rows if r[0] == "Vil du anbefale arrangementet til en kollega?"]
    assert recommend == [("Ja", 2), ("Nej", 1)]
    assert ("Hvad var særligt godt?", "Rollespillene med børnesamtaler.") in [r[:2] for r in rows]

    csv = client.get(REPORT, {"event": course.pk, "export": "csv"})
    content = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Hvor tilfreds er du samlet set med arrangementet?;1;0;0,0;4,0;\r\n" in content
    assert "Hvor tilfreds er du samlet set med arrangementet?;3;1;33,3;;\r\n" in content


def test_across_events_by_partner_type_and_period(
    client, event_of, vive, bv, coordinator, django_capture_on_commit_callbacks
):
    first = build_course(event_of, vive, title="Forløb A", slug="forloeb-a")
    answered_course(client, first, django_capture_on_commit_callbacks)
    other = build_course(event_of, bv, title="Forløb B", slug="forloeb-b", event_type="webinar")
    EvaluationInvitation.objects.create(
        event=other, person_key="r1", token_hash="x" * 64, sent_at=AFTER, answered=False
    )
    client.force_login(coordinator)
    everything = client.get(REPORT).content.decode()
    assert re.search(r"data-invited>5<", everything)
    by_partner = client.get(REPORT, {"partner": bv.pk}).content.decode()
    assert re.search(r"data-invited>1<", by_partner) and re.search(r"data-answered>0<", by_partner)
    by_type = client.get(REPORT, {"event_type": "advisory_course"}).content.decode()
    assert re.search(r"data-invited>4<", by_type)
    later = client.get(
        REPORT, {"period_after": "2031-01-01", "period_before": "2031-12-31"}
    ).content.decode()
    assert re.search(r"data-invited>0<", later)


def test_fewer_than_three_responses_are_not_shown(
    client, course, vive_moderator, django_capture_on_commit_callbacks
):
    tokens = list(invited_course(course, django_capture_on_commit_callbacks, people=2).values())
    client.post(answer_page(tokens[0]), GOOD | {"q_godt": "Rollespillene med børnesamtaler."})
    client.post(answer_page(tokens[1]), GOOD)
    client.force_login(vive_moderator)
    text = client.get(REPORT, {"event": course.pk}).content.decode()
    assert re.search(r"data-answered>2<", text) and "data-withheld" in text
    assert 'reach-chart" role' not in text and "Rollespillene" not in text
    xlsx = client.get(REPORT, {"event": course.pk, "export": "xlsx"})
    assert load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.max_row == 1


@pytest.mark.parametrize("who", ["bv_moderator", "bv_editor"])
def test_another_partners_people_see_nothing(
    client, course, who, request, django_capture_on_commit_callbacks
):
    bv_moderator = request.getfixturevalue(who)
    answered_course(client, course, django_capture_on_commit_callbacks)
    client.force_login(bv_moderator)
    response = client.get(REPORT)
    text = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"data-invited>0<", text)
    assert "Rollespillene" not in text and "Børns perspektiv" not in text
    chosen = client.get(REPORT, {"event": course.pk})
    assert "Rollespillene" not in chosen.content.decode()
    assert "Børns perspektiv i sagsbehandlingen" not in chosen.content.decode()
    xlsx = client.get(REPORT, {"event": course.pk, "export": "xlsx"})
    if xlsx.status_code == 200:
        sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
        assert sheet.max_row == 1


def test_a_person_without_a_partner_gets_403(client, make_user, course):
    client.force_login(make_user("udenfor"))
    response = client.get(REPORT)
    assert response.status_code in (302, 403)


def test_retention_leaves_the_counts_but_not_who_was_invited(
    course, django_capture_on_commit_callbacks
):
    from events.retention.services import registration_anonymise

    invited_course(course, django_capture_on_commit_callbacks, people=2)
    registration = Registration.objects.get(email="d0@kommune.example")
    registration_anonymise(registration=registration)
    assert EvaluationInvitation.objects.count() == 2
    forgotten = EvaluationInvitation.objects.exclude(person_key__startswith="r")
    [row] = forgotten.values("registration_id", "member_id")
    assert row == {"registration_id": None, "member_id": None}
    # The schedule does not invite the anonymised person again.
    assert send_due(AFTER + timedelta(hours=1), django_capture_on_commit_callbacks) == 0


# --- the editor's form ------------------------------------------------------------------------


def _evaluation_form_data(questions: list[dict]) -> dict:
    data = {
        "evaluation_questions-TOTAL_FORMS": str(len(questions)),
        "evaluation_questions-INITIAL_FORMS": "0",
        "evaluation_questions-MIN_NUM_FORMS": "0",
        "evaluation_questions-MAX_NUM_FORMS": "1000",
    }
    for i, spec in enumerate(questions):
        prefix = f"evaluation_questions-{i}-"
        data |= {
            prefix + "id": "",
            prefix + "ORDER": str(i + 1),
            prefix + "label": spec["label"],
            prefix + "key": spec.get("key", ""),
            prefix + "kind": spec.get("kind", "scale"),
            prefix + "help_text": "",
            prefix + "options-count": "0",
        }
        if spec.get("required"):
            data[prefix + "required"] = "on"
    return data


def test_an_editor_gives_the_event_its_own_evaluation(client, vive, vive_editor):
    from tests.events.conftest import event_form_data

    folder_url = f"/admin/pages/add/events/eventpage/{course_folder(vive)}/"
    sessions = [{"title": "Dag 1", "start": START, "end": START + timedelta(hours=3)}]
    data = event_form_data(sessions=sessions, evaluation_enabled="on", evaluation_reminder_days=3)
    data |= _evaluation_form_data(
        [
            {"label": "Hvordan var tempoet?", "required": True},
            {"label": "Hvad tager du med dig?", "kind": "long_text"},
        ]
    )
    client.force_login(vive_editor)
    response = client.post(folder_url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = EventPage.objects.get(slug="webinar-om-boernesamtaler").get_latest_revision_as_object()
    assert (page.evaluation_enabled, page.evaluation_reminder_days) == (True, 3)
    assert [(q.key, q.kind, q.required) for q in page.evaluation_questions.all()] == [
        ("hvordan-var-tempoet", "scale", True),
        ("hvad-tager-du-med-dig", "long_text", False),
    ]


def test_two_evaluation_questions_with_one_key_are_refused(client, vive, vive_editor):
    from tests.events.conftest import event_form_data

    folder_url = f"/admin/pages/add/events/eventpage/{course_folder(vive)}/"
    sessions = [{"title": "Dag 1", "start": START, "end": START + timedelta(hours=3)}]
    data = event_form_data(sessions=sessions) | _evaluation_form_data(
        [{"label": "Tempo?", "key": "tempo"}, {"label": "Tempoet igen?", "key": "tempo"}]
    )
    client.force_login(vive_editor)
    response = client.post(folder_url, data)
    assert response.status_code == 200
    assert "Nøgle: “tempo” bruges af et andet spørgsmål." in response.content.decode()
    assert not EventPage.objects.filter(slug="webinar-om-boernesamtaler").exists()


def course_folder(partner) -> int:
    from events.models import EventIndexPage

    return EventIndexPage.objects.get(partner=partner).pk


def test_the_coordinators_edit_the_default_form_and_a_partners_editor_may_not(
    client, coordinator, vive_editor
):
    from events.models import EvaluationDefaults

    form = EvaluationDefaults.objects.order_by("pk").first()
    assert [q.key for q in form.questions.all()][:3] == ["samlet", "relevans", "anvendelse"]
    url = f"/admin/settings/events/evaluationdefaults/{form.pk}/"
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Hvor tilfreds er du samlet set med arrangementet?" in page.content.decode()
    client.force_login(vive_editor)
    refused = client.get(url)
    assert refused.status_code in (302, 403)
    assert "Hvor tilfreds er du samlet set" not in refused.content.decode()


def test_a_coordinator_adds_a_question_to_the_default_form(client, coordinator):
    from events.models import DefaultEvaluationQuestion, EvaluationDefaults

    form = EvaluationDefaults.objects.order_by("pk").first()
    existing = list(form.questions.all())
    data = {
        "questions-TOTAL_FORMS": str(len(existing) + 1),
        "questions-INITIAL_FORMS": str(len(existing)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {"id": q.pk, "label": q.label, "key": q.key, "kind": q.kind, "required": q.required}
        for q in existing
    ] + [{"id": "", "label": "Hvordan var forplejningen?", "key": "", "kind": "scale"}]
    for i, row in enumerate(rows):
        prefix = f"questions-{i}-"
        data |= {
            prefix + "id": str(row["id"]),
            prefix + "ORDER": str(i + 1),
            prefix + "label": row["label"],
            prefix + "key": row["key"],
            prefix + "kind": row["kind"],
            prefix + "help_text": "",
            prefix + "options-count": "0",
        }
        if row.get("required"):
            data[prefix + "required"] = "on"
    client.force_login(coordinator)
    response = client.post(f"/admin/settings/events/evaluationdefaults/{form.pk}/", data)
    assert response.status_code == 302
    added = DefaultEvaluationQuestion.objects.get(label="Hvordan var forplejningen?")
    assert (added.key, added.kind) == ("hvordan-var-forplejningen", "scale")


def test_the_email_log_hides_the_evaluation_link(
    client, course, vive_moderator, django_capture_on_commit_callbacks
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    email = OutboundEmail.objects.get(kind=EmailKind.EVALUATION_INVITATION)
    client.force_login(vive_moderator)
    inspect = client.get(reverse("outbound_emails:inspect", args=[email.pk])).content.decode()
    assert "Invitation til evaluering" in inspect or "Hvad syntes du?" in inspect
    assert "[skjult link]" in inspect
    assert token not in inspect


def test_the_default_form_refuses_two_questions_with_one_key(client, coordinator):
    from events.models import EvaluationDefaults

    form = EvaluationDefaults.objects.order_by("pk").first()
    data = {
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i in range(2):
        prefix = f"questions-{i}-"
        data |= {
            prefix + "id": "",
            prefix + "ORDER": str(i + 1),
            prefix + "label": f"Tempo {i}?",
            prefix + "key": "tempo",
            prefix + "kind": "scale",
            prefix + "help_text": "",
            prefix + "options-count": "0",
        }
    client.force_login(coordinator)
    before = form.questions.count()
    response = client.post(f"/admin/settings/events/evaluationdefaults/{form.pk}/", data)
    assert response.status_code == 200
    assert "Nøgle: “tempo” bruges af et andet spørgsmål." in response.content.decode()
    assert form.questions.count() == before
