"""The pipeline's django-q2 schedules.

``schedules_ensure`` writes the ``Schedule`` rows by name, idempotently, and rewrites a row
that still names a task by an old dotted path; ``setup_centre`` calls it (never an import:
every web and worker process would race to write them). However many clusters run, on however
many machines, the schedule table is shared, and django-q2 hands each due schedule to one
cluster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    at: time | None = None  # for daily schedules, local time (Europe/Copenhagen)


SCHEDULES = (
    ScheduleSpec("publish-scheduled-pages", "home.tasks.publish_scheduled_pages", "I", 1),
    ScheduleSpec("webhooks-sweep", "api.webhooks.tasks.webhooks_sweep", "I", 1),
    ScheduleSpec("emails-sweep", "events.mail.tasks.emails_sweep", "I", 1),
    ScheduleSpec("reminders-send-due", "events.mail.tasks.reminders_send_due", "I", 1),
    ScheduleSpec("offers-expire-due", "events.registrations.tasks.offers_expire_due", "I", 1),
    ScheduleSpec(
        "certificates-issue-due", "events.courses.tasks.certificates_issue_due_task", "I", 5
    ),
    ScheduleSpec("webinar-meetings-sweep", "events.webinars.tasks.meetings_sweep", "I", 1),
    ScheduleSpec(
        "evaluations-send-due", "events.evaluations.tasks.evaluations_send_due_task", "I", 15
    ),
    ScheduleSpec("webinar-registrants-sweep", "events.webinars.tasks.registrants_sweep", "I", 1),
    ScheduleSpec("webinar-imports-due", "events.webinars.tasks.imports_due", "I", 5),
    ScheduleSpec("retention-daily", "events.retention.tasks.retention_run", "D", at=time(3, 0)),
)


def _next_local(at: time) -> datetime:
    now = timezone.localtime()
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def schedules_ensure() -> list[Schedule]:
    """Create or update one ``Schedule`` per name; extra rows of the same name are removed.

    ``next_run`` is left alone on an existing row whose timing is unchanged, so re-running
    ``setup_centre`` on a deploy never shifts or skips a run.
    """
    ensured = []
    with transaction.atomic():
        for spec in SCHEDULES:
            rows = list(Schedule.objects.select_for_update().filter(name=spec.name).order_by("pk"))
            row = rows[0] if rows else Schedule(name=spec.name)
            if len(rows) > 1:
                Schedule.objects.filter(pk__in=[extra.pk for extra in rows[1:]]).delete()
            timing_changed = (
                row.pk is None
                or row.schedule_type != spec.schedule_type
                or row.minutes != spec.minutes
            )
            row.func = spec.func
            row.schedule_type = spec.schedule_type
            row.minutes = spec.minutes
            row.repeats = -1
            row.args = None
            row.kwargs = None
            if timing_changed:
                row.next_run = _next_local(spec.at) if spec.at else timezone.now()
            row.save()
            ensured.append(row)
    return ensured
