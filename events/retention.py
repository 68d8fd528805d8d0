"""Retention of registrants' personal data (run daily, and by ``manage.py retention_run``).

A registration outlives its person: once anonymised it keeps the event, municipality, job role,
status and participants, which is all the centre's reach statistics count. Its emails are
emptied too.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import OutboundEmail, RegistrantFeedKey, centre_tz
from home.outbox import DeliveryStatus

ERASED_ADDRESS = "slettet@anonymiseret.invalid"


def emails_erase(*, registration_ids: list[int]) -> int:
    """Empty the outbox emails of anonymised registrations; unsent ones are not sent."""
    emails = OutboundEmail.objects.filter(registration_id__in=registration_ids)
    emails.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).update(
        status=DeliveryStatus.CANCELLED
    )
    return emails.update(
        to=ERASED_ADDRESS, subject="(slettet)", body_text="", body_html="", ics="", last_error=""
    )


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    from events.models import Registration
    from events.services import registration_anonymise, registration_forget_needs

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    start_of_today = datetime.combine(timezone.localtime(now, centre_tz()).date(), time.min)
    start_of_today = start_of_today.replace(tzinfo=centre_tz())

    anonymised: list[int] = []
    expired = Registration.objects.filter(event__last_end__lt=cutoff, anonymised_at__isnull=True)
    for registration in expired.iterator():
        with transaction.atomic():
            registration_anonymise(registration=registration)
            emails_erase(registration_ids=[registration.pk])
        anonymised.append(registration.pk)

    # A personal calendar key names its owner's email: it goes with their last registration.
    RegistrantFeedKey.objects.exclude(
        email__in=Registration.objects.filter(anonymised_at__isnull=True).values("email")
    ).delete()

    needs = Registration.objects.filter(event__last_end__lt=start_of_today).exclude(
        accessibility_needs=""
    )
    forgotten = 0
    for registration in needs.iterator():
        registration_forget_needs(registration=registration)
        forgotten += 1
    return {"anonymised": len(anonymised), "needs_erased": forgotten}
