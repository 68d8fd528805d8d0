"""Writes of staff-group applications after their sign-up: the manager's anchoring or
decline, and the organiser's approval or decline (the manager is told the outcome, and on
approval each named participant gets their seat and calendar file).

A staff group's sign-up itself is ``registration_create`` in ``events.registrations.services``;
the seats an approval gives are counted there, under the same lock on the event's row."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from events.errors import EventsError
from events.mail.member_emails import members_notify
from events.mail.services import registration_notify
from events.models import CancelReason, EmailKind, Registration, RegistrationStatus
from events.registrations.services import _lock_registration, _seat_give

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def application_manager_confirm(
    *, registration: Registration, now: datetime | None = None
) -> Registration:
    """The manager anchors the application (by the link in their email); repeat: no change."""
    now = now or timezone.now()
    _, registration = _lock_registration(registration)
    if registration.anonymised_at is not None:
        raise EventsError("anonymised")
    if registration.manager_confirmed_at is None:
        if registration.status != RegistrationStatus.PENDING:
            raise EventsError("not_pending")
        registration.manager_confirmed_at = now
        registration.save(update_fields=["manager_confirmed_at", "updated_at"])
    return registration


@transaction.atomic
def application_approve(
    *, registration: Registration, by: User | None = None, now: datetime | None = None
) -> Registration:
    """The organiser approves an anchored application, if its participants fit."""
    now = now or timezone.now()
    event, registration = _lock_registration(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise EventsError("not_pending")
    if registration.manager_confirmed_at is None:
        raise EventsError("manager_not_confirmed")
    _seat_give(event, registration, by=by, now=now, kind=EmailKind.APPLICATION_APPROVED)
    registration_notify(registration=registration, kind=EmailKind.MANAGER_TOLD_APPROVED)
    members_notify(registration=registration, kind=EmailKind.MEMBER_CONFIRMATION)
    return registration


@transaction.atomic
def application_decline(
    *, registration: Registration, by: User | None = None, now: datetime | None = None
) -> Registration:
    now = now or timezone.now()
    _, registration = _lock_registration(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise EventsError("not_pending")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = CancelReason.DECLINED
    registration.cancelled_at = now
    registration.decided_by = by
    registration.decided_at = now
    registration.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancelled_at",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    registration_notify(registration=registration, kind=EmailKind.APPLICATION_DECLINED)
    if registration.manager_confirmed_at is not None:
        # A manager who has not anchored the application has not taken part in it.
        registration_notify(registration=registration, kind=EmailKind.MANAGER_TOLD_DECLINED)
    return registration


MANAGER_REASON_LIMIT = 1000


@transaction.atomic
def application_manager_decline(
    *, registration: Registration, reason: str = "", now: datetime | None = None
) -> Registration:
    """The manager declines to anchor the application (by the link in their email): it is
    cancelled, holds no seats, and the applicant is told, with the manager's reason. Once the
    manager has confirmed, declining is the organiser's; a repeat changes nothing."""
    now = now or timezone.now()
    reason = reason.replace("\x00", "").strip()
    if len(reason) > MANAGER_REASON_LIMIT:
        raise EventsError("manager_reason_too_long", limit=MANAGER_REASON_LIMIT)
    _, registration = _lock_registration(registration)
    if registration.anonymised_at is not None:
        raise EventsError("anonymised")
    if registration.cancel_reason == CancelReason.MANAGER_DECLINED:
        return registration
    if registration.manager_confirmed_at is not None:
        raise EventsError("manager_decided")
    if registration.status != RegistrationStatus.PENDING:
        raise EventsError("not_pending")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = CancelReason.MANAGER_DECLINED
    registration.manager_decline_reason = reason
    registration.cancelled_at = now
    registration.save(
        update_fields=[
            "status",
            "cancel_reason",
            "manager_decline_reason",
            "cancelled_at",
            "updated_at",
        ]
    )
    registration_notify(registration=registration, kind=EmailKind.MANAGER_DECLINED)
    return registration
