"""Evaluations at once on PostgreSQL (threads, each its own connection): eight schedule runs
invite each person once; eight submits of one link (a double click, a resent form) store one
response."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from events.evaluations.services import GivenAnswer, evaluation_submit, evaluations_send_due
from events.models import (
    EmailKind,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EventPage,
    OutboundEmail,
)
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up
from tests.events.test_evaluations import token_in
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

    token = token_in(emails.first().body_text)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(
            pool.map(
                in_own_connection(lambda _: evaluation_submit(token=token, answers=ANSWER)),
                range(8),
            )
        )
    assert sorted(outcomes) == ["stored"] + ["used"] * 7
    assert EvaluationResponse.objects.count() == 1
    assert EvaluationAnswer.objects.count() == 1
    assert EvaluationInvitation.objects.filter(answered=True).count() == 1
