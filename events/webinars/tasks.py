"""django-q2 tasks of the webinar platforms: one meeting operation, one registrant, one import,
and the sweepers that hand out what was missed (a broker that was down, a killed worker's
lease, a backoff run out). Thin and idempotent: each ``…_perform`` claims its row."""

from __future__ import annotations

from django.utils import timezone
from django_q.tasks import async_task

from events.models import MeetingImport, MeetingOperation, MeetingRegistrant, SessionMeeting
from events.webinars.imports import IMPORT_LEASE, imports_schedule, meeting_import_perform
from events.webinars.links import ZOOM_KINDS
from events.webinars.operations import OPERATION_LEASE, meeting_operation_perform
from events.webinars.registrant_calls import REGISTRANT_LEASE, meeting_registrant_perform
from events.webinars.registrants import registrants_sync
from home.outbox import outbox_due


def meeting_operation_run(operation_id: int) -> str:
    return meeting_operation_perform(operation_id)


def meetings_sweep() -> int:
    due = outbox_due(MeetingOperation, lease=OPERATION_LEASE)
    for pk in due:
        async_task("events.webinars.tasks.meeting_operation_run", pk)
    return len(due)


def meeting_registrant_run(row_id: int) -> str:
    return meeting_registrant_perform(row_id)


def registrants_sweep() -> int:
    """Hand out the registrants due (a retry, a killed worker's lease, a meeting made since),
    and reconcile the meetings of sessions to come with their registrations, which catches a
    change no signal told of (a bulk update)."""
    upcoming = SessionMeeting.objects.filter(
        kind__in=ZOOM_KINDS,
        session__isnull=False,
        event__last_end__gt=timezone.now(),
    ).exclude(external_id="")
    registrants_sync(meeting_ids=list(upcoming.values_list("pk", flat=True)))
    due = outbox_due(MeetingRegistrant, lease=REGISTRANT_LEASE)
    for pk in due:
        async_task("events.webinars.tasks.meeting_registrant_run", pk)
    return len(due)


def meeting_import_run(row_id: int) -> str:
    return meeting_import_perform(row_id)


def imports_due() -> int:
    """Write the imports of sessions that ended, and hand out those due (retries included)."""
    imports_schedule()
    due = outbox_due(MeetingImport, lease=IMPORT_LEASE)
    for pk in due:
        async_task("events.webinars.tasks.meeting_import_run", pk)
    return len(due)
