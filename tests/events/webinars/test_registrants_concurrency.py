"""Workers racing on PostgreSQL (threads, each its own connection), as two clusters would: each
person registered with Zoom once and mailed their own link once; a cancellation arriving while
the registration is under way ends cancelled; the import of a report once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import (
    EmailKind,
    MeetingImport,
    MeetingOperation,
    MeetingRegistrant,
    OutboundEmail,
    Registration,
    SessionAttendance,
    SessionMeeting,
)
from events.registrations.services import registration_cancel
from events.webinars.imports import imports_schedule, meeting_import_perform
from events.webinars.operations import meeting_operation_perform
from events.webinars.registrant_calls import meeting_registrant_perform
from home.models import Audience, Municipality
from home.outbox import DeliveryStatus
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres


@pytest.fixture
def quiet_queue(monkeypatch):
    """Tasks are handed to nobody: the test's threads play the workers."""
    handed: list[tuple] = []
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kw: handed.append(args))
    monkeypatch.setattr("events.webinars.tasks.async_task", lambda *args, **kw: handed.append(args))
    return handed


def confirmed(event, count, *, at):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    municipality = Municipality.objects.get(code="0101")
    role = Audience.objects.first()
    return Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"Deltager {n}",
            email=f"racer{n}@kommune.example",
            workplace="Familieafdelingen",
            municipality=municipality,
            job_role=role,
            consent_at=at,
            privacy_version="test",
            status="confirmed",
            confirmed_at=at,
        )
        for n in range(count)
    )


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_workers_register_each_person_once_and_mail_once(
    centre, event_of, vive, zoom_standin, zoom_account, quiet_queue
):
    zoom_standin.delay = 0.05
    event = event_of(
        vive, webinar_platform="zoom_meeting", join_url="", join_link_hours=24 * 60, publish=False
    )
    confirmed(event, 20, at=timezone.now())
    event.save_revision().publish()
    [create] = MeetingOperation.objects.all()
    assert meeting_operation_perform(create.pk) == "pushed"
    rows = list(MeetingRegistrant.objects.values_list("pk", flat=True))
    assert len(rows) == 20

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(in_own_connection(meeting_registrant_perform), rows * 4))

    assert results.count("registered") == 20
    meeting = SessionMeeting.objects.get(event=event)
    assert len(zoom_standin.calls("POST /v2/meetings/")) == 20
    assert len(zoom_standin.registrants[meeting.external_id]) == 20
    emails = OutboundEmail.objects.filter(kind=EmailKind.JOIN_LINK)
    assert emails.count() == 20
    assert emails.values("registration_id").distinct().count() == 20


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancel_while_registering_ends_cancelled(
    centre, event_of, vive, zoom_standin, zoom_account, quiet_queue
):
    zoom_standin.delay = 0.3
    event = event_of(vive, webinar_platform="zoom_meeting", join_url="", publish=False)
    [registration] = confirmed(event, 1, at=timezone.now())
    event.save_revision().publish()
    assert meeting_operation_perform(MeetingOperation.objects.get().pk) == "pushed"
    row = MeetingRegistrant.objects.get()

    def cancel(_):
        import time

        time.sleep(0.1)  # while the worker waits for Zoom's answer
        registration_cancel(registration=Registration.objects.get(pk=registration.pk))
        return "cancelled-by-registrant"

    with ThreadPoolExecutor(2) as pool:
        list(
            pool.map(
                in_own_connection(lambda f: f(None)),
                [
                    lambda _: meeting_registrant_perform(row.pk),
                    cancel,
                ],
            )
        )
    # The worker's row was no longer the wish it ran on: it goes again.
    for _ in range(3):
        meeting_registrant_perform(row.pk)
    row.refresh_from_db()
    meeting = SessionMeeting.objects.get(event=event)
    statuses = [p["status"] for p in zoom_standin.registrants[meeting.external_id].values()]
    assert statuses == ["cancelled"]
    assert (row.wanted, row.status, row.join_url) == (False, DeliveryStatus.SENT, "")


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_workers_import_a_report_once(
    centre, event_of, vive, zoom_standin, zoom_account, quiet_queue
):
    zoom_standin.delay = 0.05
    start = timezone.now() - timedelta(hours=3)
    event = event_of(
        vive,
        webinar_platform="zoom_meeting",
        join_url="",
        registration_closes=None,
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
        publish=False,
    )
    confirmed(event, 5, at=start - timedelta(days=1))
    event.save_revision().publish()
    assert meeting_operation_perform(MeetingOperation.objects.get().pk) == "pushed"
    meeting = SessionMeeting.objects.get(event=event)
    zoom_standin.add_participants(
        meeting.external_id,
        [{"user_email": f"racer{n}@kommune.example", "duration": 3600} for n in range(5)],
    )
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(in_own_connection(lambda _: imports_schedule()), range(8)))
    rows = list(MeetingImport.objects.values_list("pk", flat=True))
    assert len(rows) == 2  # attendance and recording, once each
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(in_own_connection(meeting_import_perform), rows * 4))
    assert len(zoom_standin.calls("GET /v2/report/")) == 1
    assert SessionAttendance.objects.count() == 5
