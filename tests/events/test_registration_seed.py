"""seed_load --registrations: load data that looks as the services would leave it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from events.models import Registration
from tests.events.registrations import vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def test_seed_load_spreads_registrations_over_events_and_municipalities(event_of, vive, bv):
    small = event_of(vive, capacity=3, waiting_list_enabled=True)
    closed = event_of(bv, capacity=2, waiting_list_enabled=False)
    course = event_of(vive, participation="staff_group", capacity=40, event_type="advisory_course")
    call_command("seed_load", registrations=60, seed=7, verbosity=0)

    rows = Registration.objects.all()
    assert {r.event_id for r in rows} == {small.pk, closed.pk, course.pk}
    assert rows.values("municipality").distinct().count() > 10
    assert rows.filter(event=small, status="confirmed").count() == 3
    waiting = rows.filter(event=small, status="waiting_list").order_by("waiting_position")
    assert [r.waiting_position for r in waiting] == list(range(1, waiting.count() + 1))
    assert rows.filter(event=closed).count() == 2  # full, no waiting list: the rest skipped
    assert set(rows.filter(event=course).values_list("status", flat=True)) == {"pending"}
    assert rows.values("email").distinct().count() == rows.count()
