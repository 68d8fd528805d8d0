"""django-q2 tasks of the mail: sending an email row, the sweeper, and the due reminders. Thin,
idempotent, taking primary keys only."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django_q.tasks import async_task

from events.mail.redaction import secrets_redact
from events.mail.reminders import reminders_enqueue_due
from events.mail.services import UNINVITES, email_render
from events.models import EmailKind, OutboundEmail
from home.outbox import outbox_claim, outbox_due, outbox_failed, outbox_succeeded

logger = logging.getLogger(__name__)

EMAIL_LEASE = timedelta(minutes=5)  # longer than an SMTP exchange may take (EMAIL_TIMEOUT)
EMAIL_MAX_ATTEMPTS = 10
EMAIL_BACKOFF_CAP = timedelta(hours=2)
# Emails whose one-time link is scrubbed from the stored text once sent: the link answers an
# anonymous evaluation in the person's name, and a sent email is never resent (only failed and
# cancelled ones are, and those keep their link, hidden in the admin's log).
LINK_SCRUBBED_WHEN_SENT = frozenset(
    {EmailKind.EVALUATION_INVITATION, EmailKind.EVALUATION_REMINDER}
)


def email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={
            # The same id on every attempt: a receiving server can drop a repeat.
            "Message-ID": f"<outbox-{email.pk}-{email.dedupe_key.split(':')[0]}@{DNS_NAME}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        filename = "arrangement.ics"
        if email.ics_method == "CANCEL":
            # A registrant's own cancellation takes them off the event; the event goes on.
            filename = "afmelding.ics" if email.kind in UNINVITES else "aflysning.ics"
        mimetype = f"text/calendar; method={email.ics_method or 'PUBLISH'}"
        message.attach(filename, email.ics, mimetype)
    return message


def email_deliver(email_id: int) -> str:
    """Send one outbox email, once: claim it, send it, mark it sent (or schedule a retry).

    The row is marked sent as soon as the mail server has accepted the message, before the
    connection's QUIT: a worker killed after that acceptance but before the mark would have the
    sweeper send the message again (with the same Message-ID), and this keeps that window to the
    one UPDATE. No sender can close it (RFC 1047: the server's "250" and the sender's record
    of it are never one step).
    """
    if not outbox_claim(OutboundEmail, email_id, lease=EMAIL_LEASE):
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    if email.compose is not None:  # saved unrendered, and its web process never rendered it
        email_render(email, enqueue=False)
        email.refresh_from_db()
        if email.compose is not None:  # its event is gone: nothing to say
            outbox_failed(
                OutboundEmail,
                email,
                error="Arrangementet findes ikke længere.",
                max_attempts=EMAIL_MAX_ATTEMPTS,
                cap=EMAIL_BACKOFF_CAP,
                final=True,
            )
            return "failed"
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        connection.send_messages([email_message(email)])
    except Exception as exc:  # noqa: BLE001 - any failure of the mail server is retried
        logger.warning("email %s not sent: %s", email_id, exc)
        _close_quietly(connection)
        outbox_failed(
            OutboundEmail,
            email,
            error=f"{type(exc).__name__}: {exc}",
            max_attempts=EMAIL_MAX_ATTEMPTS,
            cap=EMAIL_BACKOFF_CAP,
        )
        return "failed"
    outbox_succeeded(OutboundEmail, email_id)
    if email.kind in LINK_SCRUBBED_WHEN_SENT:
        email_links_scrub(email)
    _close_quietly(connection)
    return "sent"


def email_links_scrub(email: OutboundEmail) -> None:
    """The sent email's stored text without its secret links ("[skjult link]")."""
    OutboundEmail.objects.filter(pk=email.pk).update(
        body_text=secrets_redact(email.body_text), body_html=secrets_redact(email.body_html)
    )


def _close_quietly(connection: BaseEmailBackend) -> None:
    """QUIT after the message is accepted (or failed); a server that hangs up first is fine."""
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - the message's fate is already recorded
        logger.info("closing the mail connection failed: %s", exc)


def emails_sweep() -> int:
    """Hand out due retries and the emails of workers that died mid-send (every minute)."""
    ids = outbox_due(OutboundEmail, lease=EMAIL_LEASE)
    for pk in ids:
        async_task("events.mail.tasks.email_deliver", pk)
    return len(ids)


def reminders_send_due() -> int:

    return reminders_enqueue_due()
