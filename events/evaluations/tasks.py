"""django-q2 tasks of the evaluations: invitations and reminders that have fallen due. Thin and
idempotent (``evaluations_invite`` and ``evaluations_remind`` write each email once)."""

from __future__ import annotations

from events.evaluations.services import evaluations_send_due


def evaluations_send_due_task() -> int:
    return evaluations_send_due()
