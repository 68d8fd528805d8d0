"""Evaluations in the admin: the report's numbers, charts and free text, its CSV and Excel
exports, the threshold of three responses, other partners' people seeing nothing; the editor's
evaluation questions and the coordinators' default form."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.evaluations.services import EVALUATION_CLOSES_AFTER, evaluations_release
from events.models import EmailKind, EvaluationInvitation, EventPage, OutboundEmail
from tests.events.registrations import vocabulary  # noqa: F401
from tests.events.test_certificates import attend, build_course, person
from tests.events.test_evaluations import (
    AFTER,
    GOOD,
    START,
    answer_page,
    invited_course,
    send_due,
    sent_tokens,
)

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    return build_course(event_of, vive, title="Børns perspektiv i sagsbehandlingen")


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
    # The fourth never answers: the three are released when the evaluation closes.
    course.refresh_from_db()
    assert evaluations_release(event=course, now=course.last_end + EVALUATION_CLOSES_AFTER) == 3


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


# --- the threshold of three, per event ---------------------------------------------------------


LONE = "Jeg er den eneste fra Tønder, og jeg syntes underviseren var dårlig."


def test_an_event_under_three_responses_is_left_out_of_every_combined_view(
    client, event_of, vive, vive_moderator, django_capture_on_commit_callbacks
):
    """One person's answers are never shown by taking their event together with others: not
    their free text (with or without the event's title), nor their scale answer by the
    difference of two means, in the report or its exports."""
    big = build_course(event_of, vive, title="Stort forløb", slug="stort")
    small = build_course(event_of, vive, title="Lille forløb i Tønder", slug="lille")
    for number in range(3):
        attend(big, person(big, f"Stor {number}", f"stor{number}@kommune.example"), 3)
    attend(small, person(small, "Eneste", "eneste@kommune.example"), 3)
    send_due(AFTER, django_capture_on_commit_callbacks)
    for token in sent_tokens("Stort forløb").values():
        assert client.post(answer_page(token), GOOD).status_code == 302
    (lone,) = sent_tokens("Lille forløb").values()
    assert client.post(answer_page(lone), GOOD | {"q_samlet": "1", "q_godt": LONE}).status_code
    client.logout()

    client.force_login(vive_moderator)
    alone = client.get(REPORT, {"event": small.pk}).content.decode()
    assert "data-withheld" in alone and LONE not in alone
    everything = client.get(REPORT).content.decode()
    assert LONE not in everything and "Lille forløb i Tønder)" not in everything
    assert 'data-left-out="1"' in everything
    assert "1 arrangement med færre end 3 svar er udeladt" in everything
    # The same mean with and without the small event: nothing to subtract.
    overall = "Hvor tilfreds er du samlet set med arrangementet? (gennemsnit"
    assert f"{overall} 5,00)" in everything and f"{overall} 4,00)" not in everything
    assert re.search(r"data-answered>4<", everything)  # the response rate still counts them
    only_big = client.get(REPORT, {"event": big.pk}).content.decode()
    assert f"{overall} 5,00)" in only_big and "data-withheld" not in only_big
    for export in ("csv", "xlsx"):
        response = client.get(REPORT, {"export": export})
        content = b"".join(response.streaming_content)
        if export == "csv":
            text = content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            text = repr(list(sheet.iter_rows(values_only=True)))
        assert LONE not in text and "Tønder" not in text
        assert "Stort forløb" not in text  # the big event's rows have no free text either


def test_each_questions_free_texts_are_sorted_on_their_own_never_by_response(
    client, event_of, vive, vive_moderator, django_capture_on_commit_callbacks
):
    """Listed by response, the n-th "godt" and the n-th "bedre" would be one person's."""
    course = build_course(event_of, vive, title="Forløb")
    for number in range(3):
        attend(course, person(course, f"P {number}", f"p{number}@kommune.example"), 3)
    send_due(AFTER, django_capture_on_commit_callbacks)
    given = [("beta", "Cæsar"), ("Alfa", "bravo"), ("cirkus", "Anton")]
    for token, (good, better) in zip(sent_tokens().values(), given, strict=True):
        answers = GOOD | {"q_godt": f"godt {good}", "q_bedre": f"bedre {better}"}
        assert client.post(answer_page(token), answers).status_code == 302
    client.force_login(vive_moderator)
    html = client.get(REPORT, {"event": course.pk}).content.decode()
    assert re.findall(r"godt (\w+)", html)[:3] == ["Alfa", "beta", "cirkus"]
    assert re.findall(r"bedre (\w+)", html)[:3] == ["Anton", "bravo", "Cæsar"]
