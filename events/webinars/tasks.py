"""django-q2 tasks of the webinar platforms: one meeting operation, and the sweeper that hands
out what was missed (a broker that was down, a killed worker's lease, a backoff run out).
Thin and idempotent: ``meeting_operation_perform`` claims its row."""

from __future__ import annotations

from django_q.tasks import async_task

from events.models import MeetingOperation
from events.webinars.operations import OPERATION_LEASE, meeting_operation_perform
from home.outbox import outbox_due


def meeting_operation_run(operation_id: int) -> str:
    return meeting_operation_perform(operation_id)


def meetings_sweep() -> int:
    due = outbox_due(MeetingOperation, lease=OPERATION_LEASE)
    for pk in due:
        async_task("events.webinars.tasks.meeting_operation_run", pk)
    return len(due)
