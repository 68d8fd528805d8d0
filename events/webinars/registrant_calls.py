"""Registering a person with a Zoom meeting, or cancelling them: the worker's side of
``MeetingRegistrant``.

``meeting_registrant_perform`` is idempotent: the row is claimed (``outbox_claim``), so of two
workers or clusters one calls Zoom; a worker killed after Zoom registered the person and before
the row said so leaves a lease that runs out, and the retry registers the same address again,
which Zoom answers with the same registrant and link. The row is marked done only if its wish
(``version``) did not change meanwhile; else it goes again. Failures back off exponentially,
never sooner than a 429's ``Retry-After``; a refusal (4xx) fails for good and the person's email
falls back to the shared link.

Once a person has their link and the join link is due (``join_link_hours`` before the first
session, or at once for a late confirmation), their join-link email is written with the row's
update, in one transaction: one email per person and link.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from events.mail.member_emails import member_join_link_notify
from events.mail.services import join_link_due_at, join_link_notify
from events.models import (
    EventStatus,
    GroupMember,
    MeetingKind,
    MeetingRegistrant,
    MeetingState,
    Registration,
    RegistrationStatus,
)
from events.webinars.secrets import SecretUnreadable
from events.webinars.transport import PlatformError
from events.webinars.zoom import ZoomClient
from home.outbox import DeliveryStatus, enqueue_on_commit, outbox_claim, outbox_failed

logger = logging.getLogger(__name__)

REGISTRANT_LEASE = timedelta(minutes=2)
REGISTRANT_MAX_ATTEMPTS = 12
REGISTRANT_BACKOFF_CAP = timedelta(hours=1)
WAIT_FOR_MEETING = timedelta(minutes=2)
UNREADABLE = "Kontoens hemmelighed kan ikke læses (nøglen er skiftet). Angiv den igen."


def _names(name: str, email: str) -> tuple[str, str]:
    first, _, last = (name or "").strip().rpartition(" ")
    if not first:
        first, last = last, ""
    return (first or email.split("@")[0])[:64], last[:64]


def _release_join_link(row: MeetingRegistrant) -> None:
    # Read afresh: the person may have been erased while Zoom was being called.
    registration = (
        Registration.objects.select_related("event")
        .filter(pk=row.registration_id, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        return
    event = registration.event
    if registration.status != RegistrationStatus.CONFIRMED or event.status == EventStatus.CANCELLED:
        return
    due = join_link_due_at(event)
    if due is None or due > timezone.now():
        return
    if row.member_id is not None:
        member = GroupMember.objects.filter(pk=row.member_id, anonymised_at__isnull=True).first()
        if member is not None:
            member_join_link_notify(member=member)
    elif row.member_id is None:
        join_link_notify(registration=registration)


def _converge(row: MeetingRegistrant) -> str:
    """Make Zoom say what the row wishes; returns what was done."""
    meeting = row.meeting
    webinar = meeting.kind == MeetingKind.ZOOM_WEBINAR
    external_id = meeting.external_id
    on_this_meeting = bool(row.registrant_id) and row.registered_meeting == external_id
    if not row.wanted:
        end = meeting.session.ends_at() if meeting.session else None
        over = end is not None and end <= timezone.now()  # retention, long after: no call
        if on_this_meeting and meeting.account is not None and not over:
            client = ZoomClient(meeting.account)
            try:
                client.cancel_registrants(
                    external_id, [(row.registrant_id, row.registered_email)], webinar=webinar
                )
            except PlatformError as exc:
                if not exc.not_found:  # the meeting is gone, and its registrants with it
                    raise
        MeetingRegistrant.objects.filter(pk=row.pk).update(
            registrant_id="", registered_email="", registered_meeting="", join_url=""
        )
        return "cancelled"
    if not external_id or meeting.state == MeetingState.CANCELLED or meeting.account is None:
        return "waiting"
    client = ZoomClient(meeting.account)
    if on_this_meeting and row.registered_email == row.email:
        return "unchanged"
    if on_this_meeting:  # a new address: the old one's place goes
        client.cancel_registrants(
            external_id, [(row.registrant_id, row.registered_email)], webinar=webinar
        )
    person = row.member if row.member_id else row.registration
    first, last = _names(getattr(person, "name", ""), row.email)
    made = client.add_registrant(
        external_id, email=row.email, first_name=first, last_name=last, webinar=webinar
    )
    with transaction.atomic():
        written = MeetingRegistrant.objects.filter(pk=row.pk, version=row.version).update(
            registrant_id=made.id,
            registered_email=row.email,
            registered_meeting=external_id,
            join_url=made.join_url,
            joined_at=timezone.now(),
        )
        if not written:
            # The wish changed during the call (an erasure, say): keep only Zoom's id, so the
            # next run (``_finish`` queues it) can cancel the place; nothing personal goes back.
            MeetingRegistrant.objects.filter(pk=row.pk).update(
                registrant_id=made.id, registered_meeting=external_id
            )
            return "registered"
        _release_join_link(row)
    return "registered"


def _fail(row: MeetingRegistrant, error: str, *, final: bool, retry_after: float | None) -> None:
    outbox_failed(
        MeetingRegistrant,
        row,
        error=error,
        max_attempts=REGISTRANT_MAX_ATTEMPTS,
        cap=REGISTRANT_BACKOFF_CAP,
        final=final,
    )
    if retry_after:
        not_before = timezone.now() + timedelta(seconds=min(retry_after, 24 * 3600))
        MeetingRegistrant.objects.filter(
            pk=row.pk, status=DeliveryStatus.PENDING, next_attempt_at__lt=not_before
        ).update(next_attempt_at=not_before)


def _finish(row_id: int, version: int, done: str) -> None:
    now = timezone.now()
    if done == "waiting":
        # Not an attempt: the meeting is not made yet. Its create syncs the registrants; the
        # sweeper looks again meanwhile.
        MeetingRegistrant.objects.filter(pk=row_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now + WAIT_FOR_MEETING
        )
        return
    finished = MeetingRegistrant.objects.filter(
        pk=row_id, status=DeliveryStatus.SENDING, version=version
    ).update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
    if not finished:
        # The wish changed while Zoom was being called: once more, with the new wish.
        again = MeetingRegistrant.objects.filter(pk=row_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0
        )
        if again:
            enqueue_on_commit("events.webinars.tasks.meeting_registrant_run", row_id)


def meeting_registrant_perform(row_id: int) -> str:
    if not outbox_claim(MeetingRegistrant, row_id, lease=REGISTRANT_LEASE):
        return "skipped"
    row = MeetingRegistrant.objects.select_related(
        "meeting__account", "meeting__session", "registration__event", "member"
    ).get(pk=row_id)
    try:
        done = _converge(row)
    except SecretUnreadable:
        _fail(row, UNREADABLE, final=True, retry_after=None)
        return "failed"
    except PlatformError as exc:
        # The message is Zoom's, scrubbed of secrets; the person's address is never logged.
        logger.warning("webinar registrant %s (%s): %s", row.pk, row.person, exc)
        _fail(row, str(exc), final=not exc.transient, retry_after=exc.retry_after)
        return "failed"
    _finish(row_id, row.version, done)
    return done
