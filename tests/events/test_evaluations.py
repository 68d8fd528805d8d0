"""Course evaluations: who is invited and when, the invitation and the one reminder exactly once
through a real SMTP server however often the schedule runs, the one-time link and its hostile
inputs, the answers kept without any link to the person, and retention. The admin's side (the
report, its exports, the forms) is in ``test_evaluations_admin.py``."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from events.evaluations.services import EVALUATION_CLOSES_AFTER, evaluations_send_due
from events.models import (
    EmailKind,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSubmission,
    EventEvaluationQuestion,
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


def sent_tokens(title: str = "") -> dict[str, str]:
    """The links of the invitations sent (to the mailbox: the stored email keeps no link once
    it is sent), of the event titled ``title`` or all, by address, in the order sent."""
    return {
        message.to[0]: token_in(message.body)
        for message in mail.outbox
        if message.subject.startswith("Hvad syntes du?") and title in message.subject
    }


def invited_course(course, callbacks, *, people=2):
    """A finished course whose first ``people`` attendees have their invitations; returns the
    tokens from the emails, by address."""
    for number in range(people):
        registration = person(course, f"Deltager {number}", f"d{number}@kommune.example")
        attend(course, registration, 3)
    send_due(AFTER, callbacks)
    return sent_tokens(course.title)


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


@pytest.mark.parametrize("model", [EvaluationSubmission, EvaluationResponse, EvaluationAnswer])
def test_no_column_links_an_answer_to_a_person(model):
    """Neither the model nor its table has a way from an answer to a person or invitation."""
    related = {
        field.related_model._meta.model_name
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    assert not related & PERSONAL_MODELS
    allowed = {
        EvaluationSubmission: {"id", "event_id", "answers"},
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


def test_a_response_keeps_the_day_of_its_release_not_the_moment(
    client, course, django_capture_on_commit_callbacks
):
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    with freeze_time(AFTER + timedelta(hours=3, minutes=17)):
        client.post(answer_page(token), GOOD)
    response = EvaluationResponse.objects.get()
    assert response.submitted_on == (AFTER + timedelta(hours=3)).date()


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


def test_no_reminder_for_a_deleted_staff_group_member_goes_to_the_contact_person(
    event_of, vive, django_capture_on_commit_callbacks
):
    """The member's invitation is left with the group's registration only; the reminder must
    not go to the contact person, who was not the one invited."""
    from events.models import GroupMember
    from tests.events.registrations import apply_group

    course = build_course(event_of, vive, participation="staff_group", capacity=10)
    group = apply_group(course, participants=2).registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    bjoern = GroupMember.objects.create(registration=group, name="Bjørn Ås", email="b@k.example")
    mette = GroupMember.objects.create(registration=group, name="Mette Kær", email="m@k.example")
    attend(course, group, 3, member=bjoern)
    attend(course, group, 3, member=mette)
    assert send_due(AFTER, django_capture_on_commit_callbacks) == 2
    bjoern.delete()
    mail.outbox.clear()
    assert send_due(AFTER + timedelta(days=5, hours=1), django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [["m@k.example"]]
    assert EvaluationInvitation.objects.filter(reminded_at__isnull=False).count() == 2


def test_a_refused_answer_logs_no_link(client, course, caplog, django_capture_on_commit_callbacks):
    """Django logs the path of every 400, 404 and 410: the person's still-valid link would be
    in the log for whoever reads it."""
    [token] = invited_course(course, django_capture_on_commit_callbacks, people=1).values()
    caplog.set_level(logging.WARNING, logger="django.request")
    assert client.post(answer_page(token), {"q_samlet": ""}).status_code == 400
    assert "Bad Request: /evaluering/<skjult>/" in caplog.text
    assert client.get(answer_page(token)).status_code == 200  # the link still opens the form
    assert client.post(answer_page(token), GOOD).status_code == 302
    assert client.get(answer_page(token)).status_code == 410
    assert client.get(answer_page(token[::-1])).status_code == 404
    assert "Gone: /evaluering/<skjult>/" in caplog.text
    assert "Not Found: /evaluering/<skjult>/" in caplog.text
    assert token not in caplog.text and token[::-1] not in caplog.text


def test_answers_wait_and_are_released_in_batches_of_three_at_least_with_random_ids(
    client, course, django_capture_on_commit_callbacks
):
    """A response written with its invitation's mark (one transaction, ids in the order they
    came in) joins it to its person: answers wait as pending submissions, and are released
    three at least at a time, three more always kept back, so the close never releases the
    last one or two to answer on their own."""
    tokens = list(invited_course(course, django_capture_on_commit_callbacks, people=8).values())
    for number, token in enumerate(tokens[:5]):
        answers = GOOD | {"q_samlet": str(number + 1)}
        assert client.post(answer_page(token), answers).status_code == 302
    assert not EvaluationResponse.objects.exists()
    assert EvaluationSubmission.objects.count() == 5
    assert EvaluationInvitation.objects.filter(answered=True).count() == 5
    assert client.post(answer_page(tokens[5]), GOOD | {"q_samlet": "1"}).status_code == 302
    released = list(EvaluationResponse.objects.all())
    assert len(released) == 3 and all(isinstance(r.pk, uuid.UUID) for r in released)
    assert EvaluationSubmission.objects.count() == 3
    assert EvaluationAnswer.objects.filter(key="samlet").count() == 3
    # A seventh waits with the three kept back; the eighth never answers, and the schedule
    # releases the four at the close.
    assert client.post(answer_page(tokens[6]), GOOD).status_code == 302
    assert EvaluationResponse.objects.count() == 3 and EvaluationSubmission.objects.count() == 4
    send_due(AFTER + timedelta(days=20), django_capture_on_commit_callbacks)
    assert EvaluationSubmission.objects.count() == 4
    course.refresh_from_db()
    send_due(course.last_end + EVALUATION_CLOSES_AFTER, django_capture_on_commit_callbacks)
    assert EvaluationResponse.objects.count() == 7 and not EvaluationSubmission.objects.exists()
    assert sorted(
        EvaluationAnswer.objects.filter(key="samlet").values_list("value", flat=True)
    ) == [1, 1, 2, 3, 4, 5, 5]


def test_the_release_shuffles_the_batch(course):
    """Twenty releases of three: the responses' order is not always the order they were
    submitted in (the chance of that is 1 in 6**20)."""
    from events.evaluations.services import evaluations_release

    closed = course.last_end + EVALUATION_CLOSES_AFTER
    orders = set()
    for _ in range(20):
        for value in (1, 2, 3):
            answer = {"key": "samlet", "label": "Samlet?", "kind": "scale", "value": value}
            EvaluationSubmission.objects.create(event=course, answers=[answer | {"text": ""}])
        assert evaluations_release(event=course, now=closed) == 3
        batch = EvaluationAnswer.objects.order_by("-pk")[:3]
        orders.add(tuple(answer.value for answer in reversed(batch)))
    assert len(orders) > 1


def test_when_everyone_invited_has_answered_the_rest_is_released(
    client, course, django_capture_on_commit_callbacks
):
    tokens = list(invited_course(course, django_capture_on_commit_callbacks, people=2).values())
    assert client.post(answer_page(tokens[0]), GOOD).status_code == 302
    assert not EvaluationResponse.objects.exists()
    assert client.post(answer_page(tokens[1]), GOOD).status_code == 302
    assert EvaluationResponse.objects.count() == 2 and not EvaluationSubmission.objects.exists()


def test_a_sent_evaluation_email_keeps_no_link(
    course, smtp_sink, django_capture_on_commit_callbacks
):
    """The link answers in the person's name: once the email is out, the stored copy (which
    is never resent) keeps "[skjult link]" instead."""
    came = person(course, "Søren Ærø", "soeren@kommune.example")
    attend(course, came, 3)
    send_due(AFTER, django_capture_on_commit_callbacks)
    [message] = smtp_sink.messages
    token = token_in(message.get_body(("plain",)).get_content())
    stored = OutboundEmail.objects.get(kind=EmailKind.EVALUATION_INVITATION)
    assert stored.status == "sent"
    for body in (stored.body_text, stored.body_html):
        assert token not in body and "[skjult link]" in body
    assert "Søren" in stored.body_text  # the rest of the text is kept
