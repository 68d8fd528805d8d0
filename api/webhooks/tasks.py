"""django-q2 tasks of the webhooks: deliveries and their sweeper (the CDN purge is api/cdn/)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.services import (
    webhook_body,
    webhook_delivery_cancel,
    webhook_delivery_record_response,
    webhook_endpoint_disable,
    webhook_headers,
)
from home.outbox import outbox_claim, outbox_due, outbox_failed, outbox_succeeded

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = (5, 10)  # connect, read: a receiver that needs longer should queue the work
WEBHOOK_LEASE = timedelta(minutes=2)  # well beyond WEBHOOK_TIMEOUT
# 1, 2, 4 … 512 minutes, then every 12 hours: the 15th and last attempt is ~65 hours after the
# first, so a receiver gets up to three days to come back (tests/api/test_webhooks.py pins it).
WEBHOOK_BACKOFF_CAP = timedelta(hours=12)
WEBHOOK_MAX_ATTEMPTS = 15


def webhook_deliver(delivery_id: int) -> str:
    """POST one delivery, once: claim it, send it signed, mark it (or schedule a retry).

    Deliveries to one receiver go one at a time, across workers and machines: the endpoint's
    row stays locked while its POST is in flight. A receiver is never hit in parallel, and once
    it has answered 410 Gone, the deliveries waiting behind it find it switched off and are
    cancelled unsent.
    """
    if not outbox_claim(WebhookDelivery, delivery_id, lease=WEBHOOK_LEASE):
        return "skipped"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    with transaction.atomic():
        # FOR NO KEY UPDATE: deliveries to the receiver still go one at a time, but a publish
        # adding a delivery for it (its foreign key takes FOR KEY SHARE) does not wait for the
        # POST in flight, nor, holding the change log's lock, every other change with it.
        endpoint = WebhookEndpoint.objects.select_for_update(no_key=True).get(
            pk=delivery.endpoint_id
        )
        if not endpoint.active:
            webhook_delivery_cancel(delivery_id=delivery_id, reason="Modtageren er slået fra.")
            return "cancelled"
        return _post(delivery, endpoint)


def _post(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> str:
    delivery_id = delivery.pk
    body = webhook_body(delivery.payload)
    headers = webhook_headers(
        secret=endpoint.secret, message_id=delivery.message_id, body=body, at=timezone.now()
    )
    started = time.monotonic()
    try:
        response = requests.post(
            endpoint.url,
            data=body.encode(),
            headers=headers,
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        duration_ms = int((time.monotonic() - started) * 1000)
        webhook_delivery_record_response(
            delivery_id=delivery_id, status=None, body="", duration_ms=duration_ms
        )
        # The host only: a receiver's URL (and requests' message quoting it) may carry a
        # credential in its user part or query, which has no place in the server's log.
        logger.warning(
            "webhook %s to receiver %s (%s) failed: %s",
            delivery_id,
            endpoint.pk,
            urlsplit(endpoint.url).hostname,
            type(exc).__name__,
        )
        _retry(delivery, f"{type(exc).__name__}: {exc}")
        return "retry"

    duration_ms = int((time.monotonic() - started) * 1000)
    webhook_delivery_record_response(
        delivery_id=delivery_id,
        status=response.status_code,
        body=response.text[:1000],
        duration_ms=duration_ms,
    )
    if 200 <= response.status_code < 300:
        outbox_succeeded(WebhookDelivery, delivery_id)
        return "sent"
    if response.status_code == 410:
        reason = "Modtageren svarede 410 Gone og er slået fra."
        webhook_endpoint_disable(endpoint_id=endpoint.pk, reason=reason)
        outbox_failed(
            WebhookDelivery,
            delivery,
            error=reason,
            max_attempts=WEBHOOK_MAX_ATTEMPTS,
            cap=WEBHOOK_BACKOFF_CAP,
            final=True,
        )
        return "disabled"
    _retry(delivery, f"HTTP {response.status_code}")
    return "retry"


def _retry(delivery: WebhookDelivery, error: str) -> None:
    outbox_failed(
        WebhookDelivery,
        delivery,
        error=error,
        max_attempts=WEBHOOK_MAX_ATTEMPTS,
        cap=WEBHOOK_BACKOFF_CAP,
    )


def webhooks_dispatch(delivery_ids: list[int]) -> int:
    """One change's deliveries, handed out one task each."""
    for pk in delivery_ids:
        async_task("api.webhooks.tasks.webhook_deliver", pk)
    return len(delivery_ids)


def webhooks_sweep() -> int:
    """Hand out due retries and the deliveries of workers that died mid-POST (every minute)."""
    ids = outbox_due(WebhookDelivery, lease=WEBHOOK_LEASE)
    for pk in ids:
        async_task("api.webhooks.tasks.webhook_deliver", pk)
    return len(ids)
