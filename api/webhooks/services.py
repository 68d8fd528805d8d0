"""Webhooks to consuming sites: which kind a change is, its thin payload, its signature, and the
services that write deliveries and disable endpoints.

Signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/): the
headers ``webhook-id`` (the delivery's ``msg_…``, the same on every retry, so a receiver can drop
a repeat), ``webhook-timestamp`` (seconds, of this attempt) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``), computed by the specification's own library.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from api.models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookKind,
    WebhookStatus,
    webhook_secret_generate,
)
from events.models import EventPage, EventStatus
from home.models import ContentChange
from home.outbox import enqueue_on_commit

# The API resource each kind of object is served as (router basenames in api/urls.py).
DETAIL_ROUTES = {
    "event": "api:event-detail",
    "knowledge": "api:knowledge-detail",
    "page": "api:page-detail",
}
LIST_ROUTES = {
    "event": "api:event-list",
    "knowledge": "api:knowledge-list",
    "page": "api:page-list",
}
# By a change's action, as text (the choices are str).
ACTION_KINDS: dict[str, str] = {
    ContentChange.Action.PUBLISHED: "published",
    ContentChange.Action.MOVED: "changed",
    ContentChange.Action.UNPUBLISHED: "unpublished",
    ContentChange.Action.DELETED: "deleted",
}
WAS_PUBLIC = {ContentChange.Action.PUBLISHED, ContentChange.Action.MOVED}


def webhook_kind(change: ContentChange) -> str | None:
    """``event.published``, ``event.changed`` (published again), ``event.cancelled`` (published
    with the status "aflyst"), ``*.unpublished``, ``*.deleted``; None for what has no webhook."""
    if change.object_type not in DETAIL_ROUTES or change.action not in ACTION_KINDS:
        return None
    action = ACTION_KINDS[change.action]
    if change.action == ContentChange.Action.PUBLISHED:
        if change.object_type == "event" and _event_is_cancelled(change.object_id):
            return WebhookKind.EVENT_CANCELLED
        previous = (
            ContentChange.objects.filter(
                object_type=change.object_type, object_id=change.object_id, id__lt=change.pk
            )
            .order_by("-id")
            .values_list("action", flat=True)
            .first()
        )
        if previous in WAS_PUBLIC:
            action = "changed"
    return f"{change.object_type}.{action}"


def _event_is_cancelled(page_id: int) -> bool:

    return EventPage.objects.filter(pk=page_id, status=EventStatus.CANCELLED).exists()


def api_url(object_type: str, object_id: int) -> str:
    return settings.BASE_URL + reverse(DETAIL_ROUTES[object_type], kwargs={"pk": object_id})


def webhook_payload(*, kind: str, change: ContentChange) -> dict:
    """Thin on purpose: what happened, to which object, and where the API serves it."""
    return {
        "type": kind,
        "timestamp": change.changed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            "id": change.object_id,
            "object": change.object_type,
            "api_url": api_url(change.object_type, change.object_id),
        },
    }


def webhook_body(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def webhook_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (``at``: when it is sent)."""
    at = at.astimezone(UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Videnscenter-Webhooks/1.0",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body),
    }


def webhook_deliveries_create(
    *, change: ContentChange, held_for: timedelta | None = None
) -> list[int]:
    """One delivery per active endpoint subscribed to the change's kind, in the change's own
    transaction; each is handed to a worker once that transaction commits.

    ``held_for``: the CDN is purged of the change first (api.cdn.tasks.cdn_purge hands the
    deliveries out when it is done); they are not due before, and become due by themselves
    after ``held_for`` if the purge task died, so the sweeper still sends them."""

    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    if not endpoints:
        return []
    kind = webhook_kind(change)
    if kind is None:
        return []
    endpoints = [endpoint for endpoint in endpoints if endpoint.subscribes_to(kind)]
    if not endpoints:
        return []
    payload = webhook_payload(kind=kind, change=change)
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                change=change,
                kind=kind,
                payload=payload,
                next_attempt_at=timezone.now() + (held_for or timedelta(0)),
            )
            for endpoint in endpoints
        )
    ids = [delivery.pk for delivery in deliveries]
    if held_for:
        return ids
    # One hand-over per change, whatever the number of receivers: the publish waits for one
    # enqueue, and a worker hands out the deliveries (one task each, so a slow receiver
    # delays no other).
    if len(ids) == 1:
        enqueue_on_commit("api.webhooks.tasks.webhook_deliver", ids[0])
    else:
        enqueue_on_commit("api.webhooks.tasks.webhooks_dispatch", ids)
    return ids


def webhook_deliveries_release(*, delivery_ids: list[int]) -> list[int]:
    """Held deliveries (waiting for the CDN purge of their change) become due now; returns
    those still waiting to be sent."""
    held = WebhookDelivery.objects.filter(
        pk__in=delivery_ids, status=WebhookStatus.PENDING, attempts=0
    )
    held.update(next_attempt_at=timezone.now())
    return list(held.values_list("pk", flat=True))


def webhook_endpoint_disable(*, endpoint_id: int, reason: str) -> int:
    """Switch an endpoint off and cancel what it still had waiting; returns the cancelled count."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(
            active=False, disabled_reason=reason[:300]
        )
        return WebhookDelivery.objects.filter(
            endpoint_id=endpoint_id, status=WebhookStatus.PENDING
        ).update(status=WebhookStatus.CANCELLED, last_error=reason[:2000])


def webhook_endpoint_secret_rotate(*, endpoint_id: int) -> str:
    """A new secret for a receiver, returned to be shown once; the old one stops working at once
    (deliveries are signed when they are sent, so those waiting go out with the new one)."""
    secret = webhook_secret_generate()
    with transaction.atomic():
        # Waits for a POST in flight to this receiver (it holds the row), then replaces the secret.
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(secret=secret)
    return secret


def webhook_delivery_record_response(
    *, delivery_id: int, status: int | None, body: str, duration_ms: int
) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        response_status=status, response_body=body[:1000], duration_ms=duration_ms
    )


def webhook_delivery_cancel(*, delivery_id: int, reason: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookStatus.SENDING).update(
        status=WebhookStatus.CANCELLED, last_error=reason, claimed_at=timezone.now()
    )
