"""django-q2 tasks of the courses: issuing the certificates that have fallen due. Thin and
idempotent (``certificates_issue`` writes each certificate and its email once)."""

from __future__ import annotations

from events.courses.certificates import certificates_issue_due


def certificates_issue_due_task() -> int:
    return certificates_issue_due()
