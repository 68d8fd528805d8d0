"""Retention of registrants' personal data (run daily, and by ``manage.py retention_run``).

A registration outlives its person: once anonymised it keeps the event, municipality, job role,
status and participants, which is all the centre's reach statistics count, and its answers to
statistical questions; its other answers go with it. Its emails are emptied too (recipient,
subject, texts, calendar file, last error), and so are emails whose registration is gone (its
event deleted) once they are as old as the retention period. Accessibility needs and the
answers to sensitive questions (health, diet) go the day after the event.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from events.courses.certificates import certificates_anonymise
from events.evaluations.services import evaluation_invitations_forget
from events.models import (
    ACTIVE_STATUSES,
    CancelReason,
    DataClass,
    GroupMember,
    OutboundEmail,
    RegistrantFeedKey,
    Registration,
    RegistrationAnswer,
)
from events.models.registrations import new_token
from events.registrations.services import registration_cancel
from events.webinars.registrants import registrants_erase
from home.outbox import DeliveryStatus

ERASED_ADDRESS = "slettet@anonymiseret.invalid"


def _emails_empty(emails: QuerySet[OutboundEmail]) -> int:
    emails.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).update(
        status=DeliveryStatus.CANCELLED
    )
    return emails.update(
        to=ERASED_ADDRESS,
        subject="(slettet)",
        body_text="",
        body_html="",
        ics="",
        last_error="",
        compose=None,
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

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    start_of_today = datetime.combine(
        timezone.localtime(now, timezone.get_default_timezone()).date(), time.min
    )
    start_of_today = start_of_today.replace(tzinfo=timezone.get_default_timezone())

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

    over = Registration.objects.filter(event__last_end__lt=start_of_today)
    sensitive, _by_model = RegistrationAnswer.objects.filter(
        data_class=DataClass.SENSITIVE, registration__in=over
    ).delete()
    forgotten = 0
    for registration in over.exclude(accessibility_needs="").iterator():
        registration_forget_needs(registration=registration)
        forgotten += 1
    members_forgotten = (
        GroupMember.objects.filter(registration__in=over).exclude(needs="").update(needs="")
    )
    return {
        "anonymised": len(anonymised),
        "needs_erased": forgotten,
        "member_needs_erased": members_forgotten,
        "sensitive_answers_erased": sensitive,
    }


ANONYMOUS_DOMAIN = "anonymiseret.invalid"


@transaction.atomic
def registration_anonymise(
    *, registration: Registration, now: datetime | None = None
) -> Registration:
    """Blank every personal field and delete every answer but the statistical ones; keep what
    the statistics count (event, municipality, job role, status, participants, times, those
    answers). Its links stop working (new tokens)."""
    now = now or timezone.now()
    registration.answers.exclude(data_class=DataClass.STATISTICAL).delete()
    registration.name = ""
    # Unique per row: the one-active-registration-per-email rule still holds afterwards.
    registration.email = f"slettet-{registration.pk}@{ANONYMOUS_DOMAIN}"
    registration.phone = ""
    registration.workplace = ""
    registration.accessibility_needs = ""
    registration.unit = ""
    registration.manager_name = ""
    registration.manager_email = ""
    registration.manager_decline_reason = ""
    registration.client = ""
    registration.token = new_token()
    registration.manager_token = new_token()
    registration.anonymised_at = now
    registration.save(
        update_fields=[
            "name",
            "email",
            "phone",
            "workplace",
            "accessibility_needs",
            "unit",
            "manager_name",
            "manager_email",
            "manager_decline_reason",
            "client",
            "token",
            "manager_token",
            "anonymised_at",
            "updated_at",
        ]
    )
    evaluation_invitations_forget(registration=registration)
    members_anonymise(registration=registration, now=now)
    certificates_anonymise(registration=registration, now=now)
    registrants_erase(registration_ids=[registration.pk])
    return registration


def members_anonymise(*, registration: Registration, now: datetime) -> int:
    """The application's named participants: blanked, new links (their statistical answers,
    kept with the registration's, still count once per participant in the reach reports)."""
    members = list(registration.members.filter(anonymised_at__isnull=True))
    for member in members:
        member.name = ""
        member.email = f"slettet-m{member.pk}@{ANONYMOUS_DOMAIN}"
        member.needs = ""
        member.token = new_token()
        member.anonymised_at = member.updated_at = now
    GroupMember.objects.bulk_update(
        members, ["name", "email", "needs", "token", "anonymised_at", "updated_at"]
    )
    return len(members)


@transaction.atomic
def members_erase(*, email: str) -> int:
    """A named participant deletes their data: they leave every application they are named in
    (the groups keep their seats), with their answers, and the emails to them are emptied."""
    members = list(GroupMember.objects.filter(email=email, anonymised_at__isnull=True))
    certificates_anonymise(member_ids=[m.pk for m in members], now=timezone.now())
    evaluation_invitations_forget(member_ids=[m.pk for m in members])
    registrants_erase(member_ids=[m.pk for m in members])
    for member in members:
        _emails_empty(
            OutboundEmail.objects.filter(registration_id=member.registration_id, to=email)
        )
        member.delete()
    return len(members)


@transaction.atomic
def registration_forget_needs(*, registration: Registration) -> Registration:
    """Accessibility needs and sensitive answers are kept only until the event is over."""
    Registration.objects.filter(pk=registration.pk).update(accessibility_needs="")
    registration.answers.filter(data_class=DataClass.SENSITIVE).delete()
    registration.members.exclude(needs="").update(needs="")
    registration.accessibility_needs = ""
    return registration


@transaction.atomic
def registrant_erase(*, email: str, now: datetime | None = None) -> int:
    """A person deletes their data: their coming registrations are cancelled (seats go to the
    waiting list), then every registration of theirs is anonymised and its emails emptied."""

    now = now or timezone.now()
    email = email.strip().lower()
    registrations = list(Registration.objects.filter(email=email, anonymised_at__isnull=True))
    for registration in registrations:
        if registration.status in ACTIVE_STATUSES:
            registration_cancel(
                registration=registration, reason=CancelReason.ERASED, notify=False, now=now
            )
        registration.refresh_from_db()
        registration_anonymise(registration=registration, now=now)
    emails_erase(registration_ids=[r.pk for r in registrations])
    RegistrantFeedKey.objects.filter(email=email).delete()
    return len(registrations) + members_erase(email=email)
