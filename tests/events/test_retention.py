"""Retention of the email log: no email outlives the personal data of its registration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, OutboundEmail, Registration
from events.retention.services import ERASED_ADDRESS, registration_anonymise, retention_apply
from home.outbox import DeliveryStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def _personal(email: OutboundEmail) -> tuple[str, str, str, str]:
    return (email.to, email.subject, email.body_text, email.body_html)


def test_emails_of_a_deleted_event_are_erased_after_the_retention_period(settings, event_of, vive):
    event = event_of(vive, title="Slettet webinar", capacity=10)
    registration = sign_up(event, email="dora@kommune.example", name="Dora Hansen").registration
    [email] = OutboundEmail.objects.filter(registration_id=registration.pk)
    event.delete()
    assert not Registration.objects.filter(pk=registration.pk).exists()
    email.refresh_from_db()
    assert email.event_id is None and email.to == "dora@kommune.example"

    retention_apply()  # too young: kept (it may still be on its way)
    email.refresh_from_db()
    assert email.to == "dora@kommune.example"

    later = timezone.now() + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 1)
    with freeze_time(later):
        retention_apply()
    email.refresh_from_db()
    assert email.to == ERASED_ADDRESS
    assert "Dora" not in " ".join(_personal(email))
    assert (email.body_text, email.body_html, email.ics, email.last_error) == ("", "", "", "")
    assert email.status == DeliveryStatus.CANCELLED


def test_an_email_written_after_anonymisation_is_erased_by_the_next_run(event_of, vive):
    event = event_of(vive, title="VIVE-webinar", capacity=10)
    registration = sign_up(event, email="erik@kommune.example", name="Erik Jensen").registration
    registration_anonymise(registration=registration)
    late = email_write(
        kind=EmailKind.EVENT_CHANGED,
        to="erik@kommune.example",
        dedupe_key="event_changed:late",
        registration_id=registration.pk,
        context=EmailContext(kind=EmailKind.EVENT_CHANGED, event=event, name="Erik Jensen"),
    )
    kept = sign_up(event, email="frida@kommune.example", name="Frida Holm").registration

    retention_apply()
    late.refresh_from_db()
    assert late.to == ERASED_ADDRESS and "Erik" not in " ".join(_personal(late))
    assert late.status == DeliveryStatus.CANCELLED
    # Someone not anonymised keeps their emails.
    assert OutboundEmail.objects.filter(
        registration_id=kept.pk, to="frida@kommune.example"
    ).exists()
