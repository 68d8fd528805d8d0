"""Issuing at once on PostgreSQL (threads, each its own connection), as two worker clusters
running the schedule at the same moment would: each certificate and its email once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from events.courses.certificates import certificates_issue_due
from events.courses.services import attendance_set
from events.models import Certificate, EmailKind, EventPage, OutboundEmail
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_runs_at_once_issue_each_certificate_once(centre, event_of, vive):
    vocabulary_seed()
    event = event_of(
        vive,
        title="Kursus i børnesamtaler",
        event_type="advisory_course",
        capacity=20,
        completion_rule="all",
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}],
    )
    people = [sign_up(event).registration for _ in range(6)]
    start = timezone.now() - timedelta(days=10)
    for i, session in enumerate(event.sessions.order_by("sort_order")):
        type(session).objects.filter(pk=session.pk).update(
            start=start + timedelta(days=i), end=start + timedelta(days=i, hours=3)
        )
    EventPage.objects.filter(pk=event.pk).update(last_end=start + timedelta(days=1, hours=3))
    for session in event.sessions.all():
        for number, person in enumerate(people):
            status = "present" if number < 4 or session.title == "Modul 1" else "absent"
            attendance_set(
                session=session, registration=person, status=status, now=session.starts_at()
            )

    with ThreadPoolExecutor(8) as pool:
        issued = list(pool.map(in_own_connection(lambda _: certificates_issue_due()), range(8)))

    assert sum(issued) == 4
    assert Certificate.objects.filter(event=event).count() == 4
    assert OutboundEmail.objects.filter(kind=EmailKind.CERTIFICATE).count() == 4
