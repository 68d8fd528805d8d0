"""Zoom's webhooks: ``POST /webhooks/zoom/``.

Every request is verified as Zoom documents it: ``x-zm-signature`` must be ``v0=`` and the
HMAC-SHA256, keyed with the account's webhook secret token, of ``v0:{x-zm-request-timestamp}:
{body}``, and the timestamp at most ``MAX_AGE`` old (a replayed request is refused). The account
is the one the payload's ``account_id`` names; Zoom's ``endpoint.url_validation`` names none, so
the secret that verifies its signature finds it, and the answer is ``{"plainToken",
"encryptedToken"}`` (HMAC-SHA256 of the plain token, hex). ``meeting.participant_joined`` (and
``webinar.participant_joined``) marks the person present live at the session, until the
participants report after the session says how long they stayed; a record a person made is
never overwritten. Other events are acknowledged and ignored.

Anything wrong is a 4xx naming what (the header, the field), never a 500, never a word about a
secret, and nothing personal in the log.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events.courses.services import attendance_import
from events.models import (
    AttendanceSource,
    AttendanceStatus,
    GroupMember,
    MeetingRegistrant,
    Registration,
    RegistrationStatus,
    SessionMeeting,
    WebinarAccount,
    WebinarPlatform,
)
from events.webinars.links import ZOOM_KINDS
from events.webinars.secrets import SecretUnreadable
from events.webinars.zoom import zoom_url_validation, zoom_webhook_signature

logger = logging.getLogger(__name__)

MAX_AGE = 300  # seconds either way, as Zoom recommends
MAX_BODY = 64 * 1024
JOINED = {"meeting.participant_joined", "webinar.participant_joined"}


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _secrets(account_id: str) -> list[tuple[WebinarAccount, str]]:
    accounts = WebinarAccount.objects.filter(platform=WebinarPlatform.ZOOM).exclude(
        webhook_secret_encrypted=""
    )
    if account_id:
        accounts = accounts.filter(account_id=account_id)
    found = []
    for account in accounts:
        try:
            found.append((account, account.webhook_secret))
        except SecretUnreadable:
            continue
    return found


def _verified(
    candidates: list[tuple[WebinarAccount, str]], timestamp: str, body: bytes, signature: str
) -> tuple[WebinarAccount, str] | None:
    for account, secret in candidates:
        expected = zoom_webhook_signature(secret, timestamp, body)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return account, secret
    return None


def _person(
    meeting: SessionMeeting, participant: dict[str, Any]
) -> tuple[Registration, GroupMember | None] | None:
    registrant_id = str(participant.get("registrant_id") or "")
    if registrant_id:
        row = (
            MeetingRegistrant.objects.filter(meeting=meeting, registrant_id=registrant_id)
            .select_related("registration", "member")
            .first()
        )
        if row is not None:
            return row.registration, row.member
    email = str(participant.get("email") or "").strip().lower()
    if not email or meeting.event_id is None:
        return None
    member = (
        GroupMember.objects.filter(
            email__iexact=email,
            registration__event_id=meeting.event_id,
            registration__status=RegistrationStatus.CONFIRMED,
        )
        .select_related("registration")
        .first()
    )
    if member is not None:
        return member.registration, member
    registration = Registration.objects.filter(
        event_id=meeting.event_id, email__iexact=email, status=RegistrationStatus.CONFIRMED
    ).first()
    if registration is None or registration.members.exists():
        return None  # a staff group is recorded per named participant
    return registration, None


def participant_joined_record(*, account: WebinarAccount, payload: dict[str, Any]) -> bool:
    """Mark the participant present at the session (source webhook); False when nobody of the
    centre's registrants matches."""
    meeting_obj = payload.get("object")
    if not isinstance(meeting_obj, dict):
        return False
    participant = meeting_obj.get("participant")
    if not isinstance(participant, dict):
        return False
    meeting = (
        SessionMeeting.objects.filter(
            account=account, kind__in=ZOOM_KINDS, external_id=str(meeting_obj.get("id") or "")
        )
        .exclude(external_id="")
        .select_related("session")
        .first()
    )
    if meeting is None or meeting.session is None:
        return False
    person = _person(meeting, participant)
    if person is None:
        return False
    registration, member = person
    with transaction.atomic():
        return attendance_import(
            session=meeting.session,
            registration=registration,
            member=member,
            status=AttendanceStatus.PRESENT,
            source=AttendanceSource.WEBHOOK,
        )


@csrf_exempt
@require_POST
def zoom_webhook(request: HttpRequest) -> JsonResponse:
    body = request.body
    if len(body) > MAX_BODY:
        return _refuse(413, "body too large")
    timestamp = request.headers.get("x-zm-request-timestamp", "")
    signature = request.headers.get("x-zm-signature", "")
    if not timestamp or not signature:
        return _refuse(401, "x-zm-signature and x-zm-request-timestamp are required")
    if re.fullmatch(r"[0-9]{1,12}", timestamp) is None:
        return _refuse(400, "x-zm-request-timestamp must be seconds since the epoch")
    if abs(time.time() - int(timestamp)) > MAX_AGE:
        return _refuse(401, "x-zm-request-timestamp is too old")
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError included; deep nesting recurses
        # The signature cannot be checked first: the secret is chosen by payload.account_id.
        return _refuse(400, "body must be JSON in UTF-8")
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return _refuse(400, "event is required")
    payload = data.get("payload")
    if not isinstance(payload, dict):
        return _refuse(400, "payload is required")
    account_id = payload.get("account_id")
    account_id = account_id if isinstance(account_id, str) else ""
    found = _verified(_secrets(account_id), timestamp, body, signature)
    if found is None:
        return _refuse(401, "x-zm-signature does not match")
    account, secret = found
    event = data["event"]
    if event == "endpoint.url_validation":
        plain = payload.get("plainToken")
        if not isinstance(plain, str) or not plain or len(plain) > 256:
            return _refuse(400, "payload.plainToken is required")
        return JsonResponse(zoom_url_validation(secret, plain))
    if event in JOINED:
        recorded = participant_joined_record(account=account, payload=payload)
        logger.info("zoom webhook %s for account %s: %s", event, account.pk, recorded)
        return JsonResponse({"status": "recorded" if recorded else "ignored"})
    return JsonResponse({"status": "ignored"})
