"""The CDN purge of a change, done before the change's webhooks go out (django-q2 task)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_q.tasks import async_task

from api.webhooks.services import (
    webhook_deliveries_release,
)

logger = logging.getLogger(__name__)

# Webhooks of a change wait for its CDN purge; if the purge task dies, they become due after
# this (beyond the task's 60 s timeout), and the sweeper sends them.
CDN_PURGE_LEASE = timedelta(minutes=2)


def cdn_purge(urls: list[str], delivery_ids: list[int] | None = None) -> str:
    """Purge a change's URLs from the CDN, then hand out the change's webhooks.

    A receiver that fetches ``api_url`` as soon as its webhook arrives then gets the new
    content through the CDN. A purge that fails (Wagtail's backends log and carry on) still
    lets the webhooks go: they are late for nobody.
    """
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    outcome = "purged"
    try:
        purge_urls_from_cache_task.call(list(urls))  # here, in this worker, not enqueued again
    except Exception:
        logger.exception("CDN purge of %s failed", urls)
        outcome = "failed"
    finally:
        for pk in webhook_deliveries_release(delivery_ids=list(delivery_ids or [])):
            async_task("api.webhooks.tasks.webhook_deliver", pk)
    return outcome
