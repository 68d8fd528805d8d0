"""The daily retention run (django-q2 task): thin, idempotent."""

from __future__ import annotations

from events.retention.services import retention_apply


def retention_run() -> dict[str, int]:

    return retention_apply()
