"""The email outbox: written once per cause, delivered once, retried, resent; through real SMTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from freezegun import freeze_time

from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.mail.tasks import EMAIL_MAX_ATTEMPTS, email_deliver, emails_sweep
from events.models import EmailKind, OutboundEmail
from home.outbox import DeliveryStatus, outbox_resend

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//da\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:abc@videnscenter\r\nDTSTAMP:20261123T100000Z\r\n"
    "DTSTART:20261201T090000Z\r\nSUMMARY:Webinar\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def event(event_of, vive):
    return event_of(vive, title="Webinar om børnesamtaler", contact_name="Mette Hansen")


def write(event, key="confirmation:1", **fields):
    return email_write(
        kind=fields.pop("kind", EmailKind.CONFIRMATION),
        to=fields.pop("to", "sagsbehandler@kommune.dk"),
        dedupe_key=key,
        context=EmailContext(
            kind=fields.pop("context_kind", EmailKind.CONFIRMATION),
            event=event,
            name="Anna Æbelø",
            sessions=list(event.sessions.all()),
            links=[("Se eller annullér din tilmelding", "https://cms.example/t/abc/")],
        ),
        **fields,
    )


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_email_is_delivered_after_commit_with_text_html_and_calendar(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = write(event, ics=ICS, ics_method="REQUEST")
        assert mail.outbox == []  # nothing leaves before the change commits
    assert len(callbacks) == 1

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 1
    [sent] = mail.outbox
    assert sent.to == ["sagsbehandler@kommune.dk"]
    assert sent.subject == "Tilmelding bekræftet: Webinar om børnesamtaler"
    assert "Kære Anna Æbelø" in sent.body and "Mette Hansen" in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and 'lang="da"' in html
    [(filename, content, ics_type)] = sent.attachments
    assert filename == "arrangement.ics" and "method=REQUEST" in ics_type
    assert "UID:abc@videnscenter" in content


def test_the_same_cause_never_writes_a_second_email(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = write(event)
        second = write(event)
    assert first is not None and second is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_repeated_task_sends_once(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = write(event)
    assert email_deliver(email.pk) == "sent"
    assert email_deliver(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_mail_server_down_retries_with_backoff_then_fails_and_can_be_resent(
    event, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = write(event)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PENDING and email.attempts == 1
    assert "mail server down" in email.last_error
    first_wait = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(seconds=60)

    # Not due yet: the sweeper leaves it alone.
    assert emails_sweep() == 0
    for _ in range(EMAIL_MAX_ATTEMPTS - 1):
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        emails_sweep()
    email.refresh_from_db()
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == EMAIL_MAX_ATTEMPTS

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_resend(OutboundEmail, email.pk, "events.mail.tasks.email_deliver")
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_an_email_whose_worker_died_mid_send_is_sent_once_after_the_lease(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        email = write(event)
    # A worker claimed it and was killed before it could mark it sent.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert emails_sweep() == 0  # the lease still runs
    assert email_deliver(email.pk) == "skipped"
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        assert emails_sweep() == 1
    assert email_deliver(email.pk) == "skipped"  # the sweep's task delivered it already
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


def test_delivery_through_a_real_smtp_server(event, smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write(event, ics=ICS, ics_method="CANCEL", key="event_cancelled:1")
    [message] = smtp_sink.messages
    assert message["To"] == "sagsbehandler@kommune.dk"
    assert message["Subject"].strip() == "Tilmelding bekræftet: Webinar om børnesamtaler"
    assert message["Message-ID"].startswith("<outbox-")
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Anna Æbelø" in parts["text/plain"].get_content()
    assert "Anna Æbelø" in parts["text/html"].get_content()
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_filename() == "aflysning.ics"


def test_smtp_down_then_back_delivers_every_email_once(
    event, smtp_sink, django_capture_on_commit_callbacks
):
    smtp_sink.stop()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            write(event, key=f"confirmation:{n}", to=f"person{n}@kommune.dk")
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    smtp_sink.start()
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert emails_sweep() == 3
        assert emails_sweep() == 0
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "person0@kommune.dk",
        "person1@kommune.dk",
        "person2@kommune.dk",
    ]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
