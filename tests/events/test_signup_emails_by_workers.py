"""Production's way (``SIGNUP_EMAILS_RENDERED_BY_WORKERS``): a sign-up's emails leave the web
process unrendered and are handed to the workers after the commit; the worker that sends one
renders it, and the person gets the same email as when the web process rendered it."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from events.mail.tasks import email_deliver
from events.models import OutboundEmail
from home.outbox import DeliveryStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

URL = re.compile(r"https?://\S+")
pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, title="Webinar om børnesamtaler", capacity=1, waiting_list_enabled=True)


def _sign_up_and_deliver(webinar, capture, **fields):
    """The sign-up commits; the web process hands its emails over without rendering them;
    then the handed-over tasks run (at once in the tests)."""
    with capture(execute=False) as callbacks:
        outcome = sign_up(webinar, **fields)
    rows = list(OutboundEmail.objects.filter(registration_id=outcome.registration.pk))
    unrendered = [row.compose is not None and row.body_text == "" for row in rows]
    for callback in callbacks:
        callback()
    return outcome, unrendered


def test_the_worker_renders_and_sends_what_the_web_process_saved(
    webinar, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS = True
    first, unrendered = _sign_up_and_deliver(webinar, django_capture_on_commit_callbacks)
    assert unrendered == [True]  # nothing rendered in the web process
    second, _ = _sign_up_and_deliver(webinar, django_capture_on_commit_callbacks)
    confirmation, waiting = mail.outbox
    assert confirmation.subject == "Tilmelding bekræftet: Webinar om børnesamtaler"
    assert confirmation.to == [first.registration.email]
    assert f"Kære {first.registration.name}" in confirmation.body
    assert first.registration.manage_url() in confirmation.body
    [(filename, content, _)] = confirmation.attachments
    assert filename == "arrangement.ics" and "METHOD:REQUEST" in content
    assert waiting.to == [second.registration.email] and "som nummer 1" in waiting.body
    for row in OutboundEmail.objects.all():
        assert row.status == DeliveryStatus.SENT and row.compose is None
        assert email_deliver(row.pk) == "skipped"  # sent once
    assert len(mail.outbox) == 2


def test_a_repeat_sign_up_hands_over_its_already_registered_email(
    webinar, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS = True
    _sign_up_and_deliver(webinar, django_capture_on_commit_callbacks, email="anna@kommune.example")
    _sign_up_and_deliver(webinar, django_capture_on_commit_callbacks, email="anna@kommune.example")
    again = OutboundEmail.objects.get(kind="already_registered")
    assert again.status == DeliveryStatus.SENT and again.subject
    assert [m.subject for m in mail.outbox] == [
        "Tilmelding bekræftet: Webinar om børnesamtaler",
        again.subject,
    ]
    assert mail.outbox[1].to == ["anna@kommune.example"]


def test_the_same_email_either_way(webinar, settings, django_capture_on_commit_callbacks):
    settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS = False
    by_web = sign_up(webinar, name="Åse Ødegård", email="aase@kommune.example")
    row = OutboundEmail.objects.get(registration_id=by_web.registration.pk)
    settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS = True
    OutboundEmail.objects.all().delete()
    by_web.registration.delete()
    by_worker, _ = _sign_up_and_deliver(
        webinar,
        django_capture_on_commit_callbacks,
        name="Åse Ødegård",
        email="aase@kommune.example",
    )
    [sent] = mail.outbox
    assert sent.subject == row.subject
    # the same text but for the links, which carry each registration's own token
    assert "Kære Åse Ødegård" in sent.body
    assert URL.sub("<link>", sent.body) == URL.sub("<link>", row.body_text)
