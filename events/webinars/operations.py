"""Doing a meeting operation: the one place that calls a platform about a session's meeting.

``meeting_operation_perform`` runs in a worker and is idempotent:
- the operation row is claimed (``outbox_claim``): of two workers, or a retry racing the
  original, one goes on; a worker killed mid-call leaves a lease that runs out;
- the meeting is leased too (``busy_until``), and an operation waits while an earlier one of
  the same meeting is open, so calls about one meeting happen one at a time and in order;
- a create first looks for the meeting by its marker (the session's uuid) when an earlier
  attempt may have made it before its answer was lost (Graph's ``createOrGet`` does this by
  itself), so a session has one meeting whatever retries and killed workers do;
- failures back off exponentially, never sooner than a 429's or 503's ``Retry-After``; the
  meeting shows "failed" with the platform's message meanwhile. A refusal (4xx) fails for good
  until someone presses "Prøv igen" (``services.meeting_retry``) or saves the account again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from events.models import (
    MeetingAction,
    MeetingKind,
    MeetingOperation,
    MeetingState,
    SessionMeeting,
    WebinarAccount,
)
from events.webinars.graph import GraphClient
from events.webinars.registrants import registrants_sync
from events.webinars.secrets import SecretUnreadable
from events.webinars.services import OPEN, account_elsewhere, account_for
from events.webinars.transport import PlatformError
from events.webinars.zoom import MeetingSpec, PlatformMeeting, ZoomClient
from home.outbox import DeliveryStatus, outbox_claim, outbox_failed, outbox_succeeded

logger = logging.getLogger(__name__)

# Longer than a call may take (connect + read timeouts, a token fetch, Zoom's paging).
OPERATION_LEASE = timedelta(minutes=3)
OPERATION_MAX_ATTEMPTS = 12
OPERATION_BACKOFF_CAP = timedelta(hours=1)
WAIT_FOR_TURN = timedelta(seconds=10)
NO_ACCOUNT = "Partneren har ingen konto på platformen. Opret den under Webinarkonti."
OLD_NOT_DELETED = "Mødet på den tidligere valgte platform er ikke slettet endnu."
UNEXPECTED = "Uventet fejl under kaldet til platformen; den prøves igen. Se loggen."
UNREADABLE = "Kontoens hemmelighed kan ikke læses (nøglen er skiftet). Angiv den igen."


class Refused(Exception):
    """A failure no retry will mend (no account, a secret that cannot be read)."""


def _spec(meeting: SessionMeeting) -> MeetingSpec:
    desired = meeting.desired
    return MeetingSpec(
        topic=desired["topic"],
        start=datetime.fromisoformat(desired["start"]),
        end=datetime.fromisoformat(desired["end"]),
        marker=desired["marker"],
        agenda=desired.get("agenda", ""),
    )


def _account(meeting: SessionMeeting) -> WebinarAccount:
    account = meeting.account
    if account is None:
        account = account_for(meeting.event.partner_id if meeting.event else None, meeting.kind)
        if account is None:
            raise Refused(NO_ACCOUNT)
        SessionMeeting.objects.filter(pk=meeting.pk).update(account=account)
    return account


def _create(
    meeting: SessionMeeting, account: WebinarAccount, *, look_first: bool
) -> PlatformMeeting:
    spec = _spec(meeting)
    if meeting.kind == MeetingKind.TEAMS:
        return GraphClient(account).create_meeting(spec)
    webinar = meeting.kind == MeetingKind.ZOOM_WEBINAR
    client = ZoomClient(account)
    if look_first and (
        found := client.find_meeting(
            spec.marker, webinar=webinar, topic=spec.topic, start=spec.start
        )
    ):
        client.update_meeting(found.id, spec, webinar=webinar)
        return found
    return client.create_meeting(spec, webinar=webinar)


def _update(meeting: SessionMeeting, account: WebinarAccount) -> None:
    if meeting.kind == MeetingKind.TEAMS:
        GraphClient(account).update_meeting(meeting.external_id, _spec(meeting))
    else:
        webinar = meeting.kind == MeetingKind.ZOOM_WEBINAR
        ZoomClient(account).update_meeting(meeting.external_id, _spec(meeting), webinar=webinar)


def _delete(meeting: SessionMeeting, account: WebinarAccount, marker: str) -> None:
    if meeting.kind == MeetingKind.TEAMS:
        if meeting.external_id:
            GraphClient(account).delete_meeting(meeting.external_id)
        return
    webinar = meeting.kind == MeetingKind.ZOOM_WEBINAR
    client = ZoomClient(account)
    external_id = meeting.external_id
    if not external_id and marker:  # a create whose answer was lost may have made it
        found = client.find_meeting(marker, webinar=webinar)
        external_id = found.id if found else ""
    if external_id:
        client.delete_meeting(external_id, webinar=webinar)


def _push(operation: MeetingOperation, meeting: SessionMeeting) -> str:
    """Create or update the meeting to say ``desired``; returns what was done."""
    if not meeting.desired_fingerprint:
        return "moot"  # dropped since: the delete that followed does the rest
    if meeting.external_id and meeting.pushed_fingerprint == meeting.desired_fingerprint:
        return "unchanged"
    kind = meeting.desired["kind"]
    partner_id = meeting.event.partner_id if meeting.event else None
    moved = meeting.kind != kind or account_elsewhere(meeting, partner_id)
    if meeting.external_id and moved:
        raise Refused(OLD_NOT_DELETED)
    if not meeting.external_id and moved:
        meeting.kind = kind
        meeting.account = account_for(partner_id, kind)
        SessionMeeting.objects.filter(pk=meeting.pk).update(kind=kind, account=meeting.account)
    account = _account(meeting)
    pushed = meeting.desired_fingerprint
    if meeting.external_id:
        try:
            _update(meeting, account)
        except PlatformError as exc:
            if not exc.not_found:
                raise
            # Deleted on the platform by hand: make it again.
            SessionMeeting.objects.filter(pk=meeting.pk).update(external_id="", join_url="")
            meeting.external_id = ""
    if not meeting.external_id:
        earlier = meeting.operations.filter(
            action=MeetingAction.CREATE, pk__lt=operation.pk
        ).exists()
        made = _create(meeting, account, look_first=operation.attempts > 1 or earlier)
        SessionMeeting.objects.filter(pk=meeting.pk).update(
            external_id=made.id, join_url=made.join_url
        )
    SessionMeeting.objects.filter(pk=meeting.pk).update(
        state=MeetingState.CREATED,
        pushed_fingerprint=pushed,
        last_error="",
        updated_at=timezone.now(),
    )
    return "pushed"


def _remove(meeting: SessionMeeting) -> str:
    if (
        meeting.desired_fingerprint
        and meeting.desired.get("kind") == meeting.kind
        and not account_elsewhere(meeting, meeting.event.partner_id if meeting.event else None)
    ):
        return "moot"  # wanted again since: the create or update that followed keeps it
    marker = str(meeting.session.uuid) if meeting.session else ""
    if meeting.external_id or marker:
        account = meeting.account or account_for(
            meeting.event.partner_id if meeting.event else None, meeting.kind
        )
        if account is not None:
            _delete(meeting, account, marker)
        elif meeting.external_id:
            raise Refused(NO_ACCOUNT)
    SessionMeeting.objects.filter(pk=meeting.pk).update(
        state=MeetingState.CANCELLED,
        external_id="",
        join_url="",
        pushed_fingerprint="",
        last_error="",
        updated_at=timezone.now(),
    )
    return "deleted"


def _wait_for_turn(operation_id: int) -> None:
    """Back to pending without counting an attempt: another call about the meeting runs."""
    MeetingOperation.objects.filter(pk=operation_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING,
        attempts=F("attempts") - 1,
        claimed_at=None,
        next_attempt_at=timezone.now() + WAIT_FOR_TURN,
    )


def _lease_meeting(meeting_id: int) -> bool:
    now = timezone.now()
    return bool(
        SessionMeeting.objects.filter(pk=meeting_id)
        .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now))
        .update(busy_until=now + OPERATION_LEASE)
    )


def _fail(
    operation: MeetingOperation, error: str, *, final: bool, retry_after: float | None
) -> None:
    outbox_failed(
        MeetingOperation,
        operation,
        error=error,
        max_attempts=OPERATION_MAX_ATTEMPTS,
        cap=OPERATION_BACKOFF_CAP,
        final=final,
    )
    if retry_after:
        not_before = timezone.now() + timedelta(seconds=min(retry_after, 24 * 3600))
        MeetingOperation.objects.filter(
            pk=operation.pk, status=DeliveryStatus.PENDING, next_attempt_at__lt=not_before
        ).update(next_attempt_at=not_before)
    SessionMeeting.objects.filter(pk=operation.meeting_id).update(
        state=MeetingState.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )


def meeting_operation_perform(operation_id: int) -> str:
    if not outbox_claim(MeetingOperation, operation_id, lease=OPERATION_LEASE):
        return "skipped"
    operation = MeetingOperation.objects.select_related("meeting").get(pk=operation_id)
    meeting_id = operation.meeting_id
    earlier_open = MeetingOperation.objects.filter(
        meeting_id=meeting_id, pk__lt=operation.pk, status__in=OPEN
    ).exists()
    if earlier_open or not _lease_meeting(meeting_id):
        _wait_for_turn(operation_id)
        return "waiting"
    try:
        meeting = SessionMeeting.objects.select_related("session", "event", "account").get(
            pk=meeting_id
        )
        if operation.action == MeetingAction.DELETE:
            done = _remove(meeting)
        else:
            done = _push(operation, meeting)
    except Refused as exc:
        _fail(operation, str(exc), final=True, retry_after=None)
        return "failed"
    except SecretUnreadable:
        _fail(operation, UNREADABLE, final=True, retry_after=None)
        return "failed"
    except PlatformError as exc:
        logger.warning("webinar meeting %s: %s failed: %s", meeting_id, operation.action, exc)
        _fail(operation, str(exc), final=not exc.transient, retry_after=exc.retry_after)
        return "failed"
    except Exception:
        # A fault of ours (or an answer of a shape no one documented): backed off like a
        # platform that is down, so it cannot spin; the trace goes to the log, not the admin.
        logger.exception("webinar meeting %s: %s failed unexpectedly", meeting_id, operation.action)
        _fail(operation, UNEXPECTED, final=False, retry_after=None)
        return "failed"
    finally:
        SessionMeeting.objects.filter(pk=meeting_id).update(busy_until=None)
    outbox_succeeded(MeetingOperation, operation_id)
    if done in ("pushed", "deleted"):
        # Made (or made again, or gone): its registrants follow (events.webinars.registrants).
        registrants_sync(meeting_ids=[meeting_id])
    return done
