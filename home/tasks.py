"""The home app's django-q2 task: publishing pages whose scheduled time has come, one worker at a
time (``home.locks.exclusive``)."""

from __future__ import annotations

import logging

from django.core.management import call_command

from home.locks import exclusive

logger = logging.getLogger(__name__)

PUBLISH_LOCK = "publish-scheduled-pages"


def publish_scheduled_pages() -> str:
    """Wagtail's scheduled publish and unpublish (every minute), never two at once."""
    with exclusive(PUBLISH_LOCK) as acquired:
        if not acquired:
            logger.info("publish_scheduled already running elsewhere; skipped")
            return "skipped"
        call_command("publish_scheduled", verbosity=0)
    return "done"
