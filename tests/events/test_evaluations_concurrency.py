"""Evaluations on PostgreSQL (threads, each its own connection): eight schedule runs invite each
person once; eight submits of one link (a double click, a resent form) store one answer; and no
transaction id (``xmin``) joins a released response to the invitation of whoever gave it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from events.evaluations.services import GivenAnswer, evaluation_submit, evaluations_send_due
from events.models import (
    EmailKind,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSubmission,
    EventPage,
    OutboundEmail,
)
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up
from tests.events.test_evaluations import sent_tokens
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres

ANSWER = [GivenAnswer(key="samlet", label="Samlet?", kind="scale", value=4, text="4")]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_runs_and_submits_at_once_write_each_thing_once(centre, event_of, vive):
    vocabulary_seed()
    event = event_of(
        vive,
        title="Kursus i børnesamtaler",
        event_type="advisory_course",
        capacity=20,
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}],
    )
    for _ in range(5):
        sign_up(event)
    start = timezone.now() - timedelta(days=10)
    for i, session in enumerate(event.sessions.order_by("sort_order")):
        type(session).objects.filter(pk=session.pk).update(
            start=start + timedelta(days=i), end=start + timedelta(days=i, hours=3)
        )
    EventPage.objects.filter(pk=event.pk).update(last_end=start + timedelta(days=1, hours=3))

    with ThreadPoolExecutor(8) as pool:
        sent = list(pool.map(in_own_connection(lambda _: evaluations_send_due()), range(8)))
    assert sum(sent) == 5
    assert EvaluationInvitation.objects.filter(event=event).count() == 5
    emails = OutboundEmail.objects.filter(kind=EmailKind.EVALUATION_INVITATION)
    assert emails.count() == 5

    token = next(iter(sent_tokens().values()))
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(
            pool.map(
                in_own_connection(lambda _: evaluation_submit(token=token, answers=ANSWER)),
                range(8),
            )
        )
    assert sorted(outcomes) == ["stored"] + ["used"] * 7
    assert EvaluationSubmission.objects.count() == 1  # waits for two more
    assert not EvaluationResponse.objects.exists() and not EvaluationAnswer.objects.exists()
    assert EvaluationInvitation.objects.filter(answered=True).count() == 1


def _finished_event(event_of, vive, people: int) -> EventPage:
    vocabulary_seed()
    event = event_of(
        vive,
        title="Kursus i børnesamtaler",
        event_type="advisory_course",
        capacity=20,
        sessions=[{"title": "Modul 1"}],
    )
    for number in range(people):
        sign_up(event, name=f"Deltager {number}", email=f"d{number}@kommune.example")
    start = timezone.now() - timedelta(days=3)
    for session in event.sessions.all():
        type(session).objects.filter(pk=session.pk).update(
            start=start, end=start + timedelta(hours=3)
        )
    EventPage.objects.filter(pk=event.pk).update(last_end=start + timedelta(hours=3))
    return event


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_transaction_id_joins_a_response_to_its_invitation(centre, event_of, vive):
    """Written in one transaction, a response and its invitation's mark had the same ``xmin``:
    whoever can read the database joined every answer to the name of whoever gave it."""
    _finished_event(event_of, vive, people=7)
    mail.outbox.clear()
    assert evaluations_send_due() == 7
    for number, token in enumerate(sent_tokens().values()):
        value = number % 5 + 1
        answer = GivenAnswer(key="samlet", label="Samlet?", kind="scale", value=value, text="")
        assert evaluation_submit(token=token, answers=[answer]) == "stored"
    assert EvaluationResponse.objects.count() == 7  # everyone answered: all released

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*)
            FROM events_evaluationinvitation i
            JOIN events_evaluationresponse s ON s.xmin = i.xmin
            """
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT count(DISTINCT xmin::text), count(*) FROM events_evaluationresponse")
        transactions, responses = cursor.fetchone()
    # Released in two transactions (three after the sixth answer, four at the close).
    assert (transactions, responses) == (2, 7)
