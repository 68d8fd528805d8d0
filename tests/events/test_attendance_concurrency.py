"""Taps at once on PostgreSQL (threads, each its own connection): the same person tapped
present by two phones and retried is one record; the summary flag follows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from events.courses.services import attendance_set
from events.models import Registration, SessionAttendance
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sixteen_taps_at_once_on_five_people_record_each_once(centre, event_of, vive):
    vocabulary_seed()
    event = event_of(vive, title="Netværksmøde", capacity=10)
    people = [sign_up(event).registration for _ in range(5)]
    now = timezone.now()
    event.sessions.update(start=now - timedelta(minutes=5), end=now + timedelta(hours=1))
    session = event.sessions.get()

    def tap(i: int) -> bool:
        return attendance_set(session=session, registration=people[i % 5], status="present").changed

    with ThreadPoolExecutor(16) as pool:
        changed = list(pool.map(in_own_connection(tap), range(80)))

    assert sum(changed) == 5  # one write per person; the 75 others changed nothing
    assert SessionAttendance.objects.filter(session=session, status="present").count() == 5
    assert set(Registration.objects.filter(event=event).values_list("attended", flat=True)) == {
        True
    }
