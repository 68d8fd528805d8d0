"""Meetings follow their events: the writes that decide what each session's meeting should be.

``webinar_meetings_sync`` runs inside the publish's transaction (``events.signal_handlers``).
It never calls a platform: it records what each session's meeting should say (``desired``)
and writes a ``MeetingOperation`` outbox row when something must be done; the row's task is
enqueued once the publish commits, and ``events.webinars.operations`` does the call.

The rules, per session of an event that chooses a platform:
- an online or hybrid event, live, not cancelled, with a timed session: the session has a
  meeting; a first publish writes a *create*, a change of time or title an *update* (only when
  the fingerprint of what the platform shows changed: a publish of the same content writes
  nothing);
- a cancelled session or event, a session removed, or the platform choice taken away: *delete*.
Each meeting row is locked (SELECT … FOR UPDATE) while its operations are decided, and each
operation's ``dedupe_key`` counts the meeting's earlier operations of its kind, so a publish seen
twice writes one row, and a meeting re-created after a delete gets a fresh key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from events.models import (
    EventFormat,
    EventPage,
    EventSession,
    EventStatus,
    MeetingAction,
    MeetingKind,
    MeetingOperation,
    MeetingState,
    SessionMeeting,
    WebinarAccount,
)
from home.models import Partner
from home.outbox import DeliveryStatus, enqueue_on_commit

OPERATION_TASK = "events.webinars.tasks.meeting_operation_run"
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
MEETING_FORMATS = (EventFormat.ONLINE, EventFormat.HYBRID)


def meeting_desired(session: EventSession, event: EventPage) -> dict[str, Any] | None:
    """What the session's meeting should say on the platform, or None: it should have none."""
    if not event.webinar_platform or event.format not in MEETING_FORMATS or not event.live:
        return None
    if str(session.effective_status(event)) == EventStatus.CANCELLED:
        return None
    start, end = session.starts_at(), session.ends_at()
    if start is None or end is None:
        return None
    topic = f"{event.title} – {session.title}" if session.title else event.title
    return {
        "kind": event.webinar_platform,
        "topic": topic,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "agenda": event.teaser[:1500],
        "marker": str(session.uuid),
    }


def desired_fingerprint(desired: dict[str, Any]) -> str:
    shown = [desired["kind"], desired["topic"], desired["start"], desired["end"]]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def account_for(partner_id: int | None, kind: str) -> WebinarAccount | None:
    if partner_id is None or not kind:
        return None
    platform = MeetingKind.platform_of(kind)
    return WebinarAccount.objects.filter(partner_id=partner_id, platform=platform).first()


def account_elsewhere(meeting: SessionMeeting, partner_id: int | None) -> bool:
    """The meeting was made with another partner's account than its event's (the event moved
    to another partner): it is deleted with that account and made again with the new one."""
    return meeting.account is not None and meeting.account.partner_id != partner_id


def _operation_write(
    meeting: SessionMeeting, action: str, fingerprint: str = ""
) -> MeetingOperation:
    """One outbox row, its task enqueued after the commit; the caller holds the meeting's lock."""
    count = meeting.operations.filter(action=action).count()
    key = f"meeting:{meeting.pk}:{action}:{count}"
    if fingerprint:
        key += f":{fingerprint[:16]}"
    operation, created = MeetingOperation.objects.get_or_create(
        dedupe_key=key, defaults={"meeting": meeting, "action": action}
    )
    if created:
        enqueue_on_commit(OPERATION_TASK, operation.pk)
    return operation


def _open(meeting: SessionMeeting, *actions: str) -> bool:
    return meeting.operations.filter(action__in=actions, status__in=OPEN).exists()


def _meeting_for(session: EventSession, event: EventPage) -> SessionMeeting:
    meeting = SessionMeeting.objects.select_for_update().filter(session=session).first()
    if meeting is not None:
        return meeting
    try:
        with transaction.atomic():
            SessionMeeting.objects.create(session=session, event=event, kind=event.webinar_platform)
    except IntegrityError:
        pass  # another transaction made it first
    return SessionMeeting.objects.select_for_update().get(session=session)


def _meeting_want(meeting: SessionMeeting, desired: dict[str, Any], event: EventPage) -> None:
    fingerprint = desired_fingerprint(desired)
    # Another platform chosen for a meeting that exists: the old one is deleted, a new made.
    switching = (
        bool(meeting.external_id)
        and meeting.state != MeetingState.CANCELLED
        and (meeting.kind != desired["kind"] or account_elsewhere(meeting, event.partner_id))
    )
    if not switching:
        # A delete not yet taken is called off: the meeting stays, brought up to date.
        meeting.operations.filter(
            action=MeetingAction.DELETE, status=DeliveryStatus.PENDING
        ).update(status=DeliveryStatus.CANCELLED)
    gone = meeting.state == MeetingState.CANCELLED or _open(meeting, MeetingAction.DELETE)
    if fingerprint == meeting.desired_fingerprint and not gone and not switching:
        return
    meeting.desired = desired
    meeting.desired_fingerprint = fingerprint
    meeting.event = event
    if switching:
        # ``kind`` and ``account`` keep describing the meeting that exists, for its delete;
        # the create that follows takes the new ones from ``desired``.
        meeting.save()
        if not _open(meeting, MeetingAction.DELETE):
            _operation_write(meeting, MeetingAction.DELETE)
        if not _open(meeting, MeetingAction.CREATE):  # an open one pushes the latest anyway
            _operation_write(meeting, MeetingAction.CREATE, fingerprint)
        return
    meeting.account = account_for(event.partner_id, desired["kind"])
    if gone or (not meeting.external_id and not _open(meeting, MeetingAction.CREATE)):
        meeting.kind = desired["kind"]
        meeting.state = MeetingState.PENDING
        meeting.save()
        _operation_write(meeting, MeetingAction.CREATE, fingerprint)
        return
    meeting.save()
    if not _open(meeting, MeetingAction.CREATE):  # an open create pushes the latest anyway
        _operation_write(meeting, MeetingAction.UPDATE, fingerprint)


def _meeting_drop(meeting: SessionMeeting) -> None:
    if meeting.state == MeetingState.CANCELLED or _open(meeting, MeetingAction.DELETE):
        return
    if not meeting.desired_fingerprint and not meeting.external_id:
        return
    meeting.desired = {}
    meeting.desired_fingerprint = ""
    meeting.save(update_fields=["desired", "desired_fingerprint", "updated_at"])
    # Creates and updates not yet taken are moot; one that is running finishes first (the
    # meeting's lease), then the delete removes what it made.
    meeting.operations.filter(
        action__in=[MeetingAction.CREATE, MeetingAction.UPDATE], status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.CANCELLED)
    meeting.operations.filter(
        action__in=[MeetingAction.CREATE, MeetingAction.UPDATE], status=DeliveryStatus.FAILED
    ).update(status=DeliveryStatus.CANCELLED)
    _operation_write(meeting, MeetingAction.DELETE)


def webinar_meetings_sync(*, event: EventPage) -> list[SessionMeeting]:
    """Decide each session's meeting after a publish; returns the meetings that got work."""
    touched: list[SessionMeeting] = []
    if not event.webinar_platform and not SessionMeeting.objects.filter(event_id=event.pk).exists():
        return touched  # most events: one query, nothing to do
    with transaction.atomic():
        for session in EventSession.objects.filter(event_id=event.pk).order_by("pk"):
            desired = meeting_desired(session, event)
            if desired is None:
                meeting = SessionMeeting.objects.select_for_update().filter(session=session).first()
                if meeting is not None:
                    _meeting_drop(meeting)
                    touched.append(meeting)
                continue
            meeting = _meeting_for(session, event)
            _meeting_want(meeting, desired, event)
            touched.append(meeting)
        # Sessions removed from the event leave their meetings behind, without a session.
        orphans = SessionMeeting.objects.select_for_update().filter(
            event_id=event.pk, session__isnull=True
        )
        for meeting in orphans:
            _meeting_drop(meeting)
            touched.append(meeting)
    return touched


def webinar_meetings_drop(*, event_id: int) -> None:
    """The event is going away (deleted): its meetings are deleted on the platform."""
    with transaction.atomic():
        for meeting in SessionMeeting.objects.select_for_update().filter(event_id=event_id):
            _meeting_drop(meeting)


def meeting_retry(*, meeting: SessionMeeting) -> int:
    """The admin's "Prøv igen": the meeting's failed or waiting operations go again now."""
    with transaction.atomic():
        meeting = SessionMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.account is None and meeting.desired:
            meeting.account = account_for(
                meeting.event.partner_id if meeting.event else None, meeting.kind
            )
            meeting.save(update_fields=["account", "updated_at"])
        operations = list(
            meeting.operations.filter(
                status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]
            ).values_list("pk", flat=True)
        )
        # A fresh run of attempts, but one already tried keeps one on its count: a create
        # whose answer was lost may have made the meeting, and ``operations._push`` looks for
        # it first whenever the operation was tried before (attempts > 1 once claimed again).
        MeetingOperation.objects.filter(pk__in=operations).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now(),
            attempts=Least(F("attempts"), 1),
        )
        for pk in operations:
            enqueue_on_commit(OPERATION_TASK, pk)
    return len(operations)


def webinar_account_save(
    *,
    partner: Partner,
    platform: str,
    client_id: str,
    account_id: str = "",
    tenant_id: str = "",
    organizer: str = "",
    client_secret: str = "",
    webhook_secret: str = "",
) -> WebinarAccount:
    """Create or change a partner's account; a blank secret keeps the stored one. Meetings of
    the partner that failed for want of an account (or with the old credentials) go again."""
    with transaction.atomic():
        account = (
            WebinarAccount.objects.select_for_update()
            .filter(partner=partner, platform=platform)
            .first()
        ) or WebinarAccount(partner=partner, platform=platform)
        account.client_id = client_id
        account.account_id = account_id
        account.tenant_id = tenant_id
        account.organizer = organizer
        if client_secret:
            account.client_secret = client_secret
        if webhook_secret:
            account.webhook_secret = webhook_secret
        account.save()
        kinds = [k for k in MeetingKind.values if k and MeetingKind.platform_of(k) == platform]
        waiting = SessionMeeting.objects.filter(
            event__partner=partner, kind__in=kinds, state=MeetingState.FAILED
        )
        waiting.filter(account__isnull=True).update(account=account)
        for meeting in waiting:
            meeting_retry(meeting=meeting)
    return account
