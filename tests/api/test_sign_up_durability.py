"""A sign-up's commit lets go of the event's lock before the disk has it, and the sign-up is
answered only once the disk has it (home/durability.py), on PostgreSQL; on SQLite nothing
changes."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from events.models import Registration
from tests.events.registrations import vocabulary  # noqa: F401
from tests.markers import USES_POSTGRES, needs_postgres

SIGN_UP = {
    "name": "Ida Ærø",
    "email": "ida@kommune.example",
    "workplace": "Familieafdelingen",
    "municipality": "0101",
    "job_role": "sagsbehandlere",
    "consent": True,
}


@pytest.fixture
def event(event_of, vive, vocabulary):  # noqa: F811
    return event_of(vive, capacity=3)


def test_the_sign_up_commits_without_waiting_and_answers_after_the_flush(
    api, event, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"/api/v1/events/{event.pk}/registrations/", SIGN_UP, format="json")
    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in queries.captured_queries]
    turned_off = [i for i, sql in enumerate(statements) if "synchronous_commit" in sql]
    flushed = [i for i, sql in enumerate(statements) if "pg_logical_emit_message" in sql]
    locked = [i for i, sql in enumerate(statements) if "FOR UPDATE" in sql]
    if not USES_POSTGRES:
        assert turned_off == flushed == []
        return
    # off before the lock is taken; the flush after the commit (the callbacks run after it)
    assert turned_off and locked and flushed
    assert turned_off[0] < locked[0] < flushed[0]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_flush_that_fails_is_a_503_and_a_retry_gets_the_first_answer(api, event, monkeypatch):
    """The sign-up committed, but the disk did not confirm it: the person is not told it
    worked; a retry with the same Idempotency-Key gets the first answer and registers nobody
    twice."""
    from home import durability

    def disk_gone():
        raise OperationalError("could not flush the WAL")

    monkeypatch.setattr(durability, "disk_flush_wait", disk_gone)
    headers = {"HTTP_IDEMPOTENCY_KEY": "2f1c9a"}
    first = api.post(f"/api/v1/events/{event.pk}/registrations/", SIGN_UP, format="json", **headers)
    assert first.status_code == 503, first.content
    monkeypatch.undo()
    again = api.post(f"/api/v1/events/{event.pk}/registrations/", SIGN_UP, format="json", **headers)
    assert again.status_code == 201
    assert again.json()["status"] == "confirmed"
    assert Registration.objects.filter(event=event).count() == 1
