"""The transactional outbox, shared by emails and webhook deliveries.

An outbox row is written in the same transaction as the change that causes it. Its task is
enqueued only once that transaction commits, and delivers at least once; the row makes the
effect happen once:

- ``outbox_claim`` takes the row with one conditional UPDATE, so of two workers (in two
  clusters, or a retry racing the original) exactly one wins, on SQLite and PostgreSQL alike;
  no transaction stays open while the slow part (SMTP, HTTP) runs;
- a claim is a lease: a worker killed mid-delivery leaves the row "sending", and the sweeper
  hands it out again once the lease has run out;
- failures go back to "pending" with an exponential backoff, until the attempts run out.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Afventer")
    SENDING = "sending", _("Sendes")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Fejlet")
    CANCELLED = "cancelled", _("Annulleret")


class OutboxRow(models.Model):
    """Bookkeeping every outbox row carries.

    The functions below take the concrete model and reach its rows through
    ``_default_manager``, Django's manager for code written for any model."""

    # Not content: Wagtail's reference index ("where is this page used?") skips outbox rows,
    # which also saves its writes on every row.
    wagtail_reference_index_ignore = True

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("påbegyndt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    last_error = models.TextField(_("seneste fejl"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


def enqueue_on_commit(func: str, *args) -> None:
    """Hand a task to django-q2 once the current transaction has committed.

    ``robust``: a broker that is down must not fail the request whose change has committed;
    the row is pending, and the sweeper hands it out once the broker is back.
    """
    transaction.on_commit(lambda: async_task(func, *args), robust=True)


def outbox_claim(model: type[OutboxRow], pk: int, *, lease: timedelta) -> bool:
    """Take the row for delivery; False when it is done, not due, or another worker holds it."""
    now = timezone.now()
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - lease
    )
    return bool(
        model._default_manager.filter(due, pk=pk).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def outbox_backoff(attempts: int, *, base_seconds: int = 60, cap: timedelta) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base, … never beyond ``cap``."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), cap)


def outbox_succeeded(model: type[OutboxRow], pk: int, **fields) -> None:
    model._default_manager.filter(pk=pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", **fields
    )


def outbox_failed(
    model: type[OutboxRow],
    row: OutboxRow,
    *,
    error: str,
    max_attempts: int,
    cap: timedelta,
    final: bool = False,
) -> None:
    """Back to pending after a backoff, or failed for good when the attempts are used up."""
    row.refresh_from_db(fields=["attempts"])
    updates: dict[str, object]
    if final or row.attempts >= max_attempts:
        updates = {"status": DeliveryStatus.FAILED}
    else:
        updates = {
            "status": DeliveryStatus.PENDING,
            "next_attempt_at": timezone.now() + outbox_backoff(row.attempts, cap=cap),
        }
    model._default_manager.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(
        last_error=error[:2000], **updates
    )


def outbox_due(model: type[OutboxRow], *, lease: timedelta, limit: int = 500) -> list[int]:
    """Rows the sweeper should hand out: due retries and the leases of killed workers."""
    now = timezone.now()
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - lease
    )
    rows = model._default_manager.filter(due).order_by("next_attempt_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def outbox_resend(model: type[OutboxRow], pk: int, task: str) -> bool:
    """An admin's resend of a failed (or cancelled) row."""
    updated = model._default_manager.filter(
        pk=pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.CANCELLED]
    ).update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0)
    if updated:
        enqueue_on_commit(task, pk)
    return bool(updated)
