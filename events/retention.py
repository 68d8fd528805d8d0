"""Retention of registrants' personal data (run daily, and by ``manage.py retention_run``).

A registration outlives its person: once anonymised it keeps the event, municipality, job role,
status and participants, which is all the centre's reach statistics count. Its emails are
emptied too (recipient, subject, texts, calendar file, last error), and so are emails whose
registration is gone (its event deleted) once they are as old as the retention period.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import OutboundEmail, RegistrantFeedKey, Registration, centre_tz
from home.outbox import DeliveryStatus

ERASED_ADDRESS = "slettet@anonymiseret.invalid"


def _emails_empty(emails) -> int:
    emails.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).update(
        status=DeliveryStatus.CANCELLED
    )
    return emails.update(
        to=ERASED_ADDRESS, subject="(slettet)", body_text="", body_html="", ics="", last_error=""
    )


def emails_erase(*, registration_ids: list[int]) -> int:
    """Empty the outbox emails of anonymised registrations; unsent ones are not sent."""
    return _emails_empty(OutboundEmail.objects.filter(registration_id__in=registration_ids))


def emails_erase_left_over(*, cutoff: datetime) -> int:
    """Empty emails that outlived their person: those of registrations anonymised before the
    email was written, and those older than ``cutoff`` whose registration no longer exists
    (an event deleted with its registrations) or that never had one."""
    not_erased = OutboundEmail.objects.exclude(to=ERASED_ADDRESS)
    of_anonymised = not_erased.filter(
        registration_id__in=Registration.objects.filter(anonymised_at__isnull=False).values("pk")
    )
    orphaned = not_erased.filter(created_at__lt=cutoff).exclude(
        registration_id__in=Registration.objects.values("pk")
    )
    return _emails_empty(of_anonymised) + _emails_empty(orphaned)


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
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
    emails_erase_left_over(cutoff=cutoff)

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
