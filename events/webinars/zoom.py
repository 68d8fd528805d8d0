"""A small Zoom API client (Server-to-Server OAuth), for one partner's ``WebinarAccount``.

Interface (stable; the meetings, registrants and attendance code build on it):

    client = ZoomClient(account)                         # account.platform == "zoom"
    client.create_meeting(spec, webinar=False) -> PlatformMeeting
    client.find_meeting(marker, webinar=False, topic=…, start=…) -> PlatformMeeting | None
    client.update_meeting(meeting_id, spec, webinar=False) -> None
    client.delete_meeting(meeting_id, webinar=False) -> None      # gone already: fine
    client.add_registrant(meeting_id, email=…, first_name=…, last_name=…, webinar=False)
        -> Registrant(id, join_url)                               # the person's own link
    client.cancel_registrants(meeting_id, [(registrant_id, email), …], webinar=False) -> None
    client.participants(meeting_id, webinar=False) -> Iterator[Participant]   # all pages
    client.recording(meeting_id) -> Recording | None
    zoom_webhook_signature(secret, timestamp, body) -> "v0=…"
    zoom_url_validation(secret, plain_token) -> {"plainToken", "encryptedToken"}

Every failure raises ``events.webinars.transport.PlatformError``. ``webinar=True`` uses Zoom's
webinar endpoints (``/webinars/…``, ``/report/webinars/…``) instead of the meeting ones.

Documented requests: token ``POST {ZOOM_OAUTH_URL}?grant_type=account_credentials&account_id=…``
with HTTP basic auth (client id, secret); ``POST /users/me/meetings`` (type 2, registration on,
Zoom's own emails off: the centre sends its own), ``PATCH``/``DELETE /meetings/{id}``,
``POST /meetings/{id}/registrants``, ``PUT /meetings/{id}/registrants/status`` (action
cancel, at most 30 a call), ``GET /report/meetings/{id}/participants`` (``next_page_token``),
``GET /meetings/{id}/recordings``, ``GET /users/me/meetings`` (``type=upcoming``; each agenda
truncated), ``GET /meetings/{id}`` (the full agenda).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from events.webinars.transport import PlatformClient, PlatformError

PAGE_SIZE = 300
CANCEL_BATCH = 30


@dataclass(frozen=True)
class MeetingSpec:
    """What a meeting says, on any platform. ``marker`` identifies it for good (the session's
    uuid): Zoom keeps it in the agenda, Graph in ``externalId``, so a retry after a lost answer
    finds the meeting instead of creating a second."""

    topic: str
    start: datetime
    end: datetime
    marker: str
    agenda: str = ""
    timezone: str = "Europe/Copenhagen"

    @property
    def duration_minutes(self) -> int:
        return max(int((self.end - self.start).total_seconds() // 60), 1)


@dataclass(frozen=True)
class PlatformMeeting:
    id: str
    join_url: str


@dataclass(frozen=True)
class Registrant:
    id: str
    join_url: str


@dataclass(frozen=True)
class Participant:
    name: str
    email: str
    join_time: datetime | None
    leave_time: datetime | None
    duration_seconds: int
    registrant_id: str = ""


@dataclass(frozen=True)
class Recording:
    share_url: str
    passcode: str
    files: tuple[str, ...]  # play URLs


def zulu(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def marker_text(marker: str) -> str:
    return f"[ref:{marker}]"


def zoom_webhook_signature(secret: str, timestamp: str, body: bytes | str) -> str:
    """The ``x-zm-signature`` Zoom sends: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    raw = body.decode() if isinstance(body, bytes) else body
    message = f"v0:{timestamp}:{raw}".encode()
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def zoom_url_validation(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to Zoom's ``endpoint.url_validation`` event."""
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


class ZoomClient(PlatformClient):
    platform = "Zoom"

    def _fetch_token(self) -> tuple[str, int]:
        response = self._send(
            "POST",
            settings.ZOOM_OAUTH_URL,
            params={"grant_type": "account_credentials", "account_id": self.account.account_id},
            auth=(self.account.client_id, self.account.client_secret),
            headers={"Accept": "application/json"},
        )
        if response.status_code >= 400:
            raise self._error(response)
        body = response.json()
        if not body.get("access_token"):
            raise PlatformError(platform=self.platform, status=200, message="intet access_token")
        return str(body["access_token"]), int(body.get("expires_in") or 3600)

    def _url(self, path: str) -> str:
        return settings.ZOOM_API_URL + path

    @staticmethod
    def _base(webinar: bool) -> str:
        return "webinars" if webinar else "meetings"

    def _body(self, spec: MeetingSpec, webinar: bool) -> dict[str, Any]:
        # The marker first: Zoom's list of meetings shows only the agenda's first ~250 chars.
        agenda = (marker_text(spec.marker) + "\n\n" + spec.agenda[:1900]).strip()
        return {
            "topic": spec.topic[:200],
            "type": 5 if webinar else 2,
            "start_time": zulu(spec.start),
            "duration": spec.duration_minutes,
            "timezone": spec.timezone,
            "agenda": agenda,
            "settings": {
                "approval_type": 0,  # registrants approved automatically
                "registration_type": 1,
                "registrants_email_notification": False,
                "registrants_confirmation_email": False,
                "join_before_host": False,
            },
        }

    def create_meeting(self, spec: MeetingSpec, *, webinar: bool = False) -> PlatformMeeting:
        body = self._call(
            "POST", self._url(f"/users/me/{self._base(webinar)}"), json=self._body(spec, webinar)
        )
        return PlatformMeeting(id=str(body["id"]), join_url=str(body.get("join_url") or ""))

    def find_meeting(
        self,
        marker: str,
        *,
        webinar: bool = False,
        topic: str = "",
        start: datetime | None = None,
    ) -> PlatformMeeting | None:
        """The upcoming meeting whose agenda carries ``marker``, if one was created already.

        Zoom's list truncates each agenda, so the list only narrows the candidates: those
        whose listed agenda shows the marker, or with the given ``topic`` or ``start`` (a
        meeting made before the marker moved to the front of the agenda). Each candidate is
        confirmed by ``GET /meetings/{id}``, which gives the full agenda."""
        needle = marker_text(marker)
        key = self._base(webinar)
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        if not webinar:
            params["type"] = "upcoming"
        while True:
            body = self._call("GET", self._url(f"/users/me/{key}"), params=params)
            for item in body.get(key) or []:
                if (
                    needle in str(item.get("agenda") or "")
                    or (topic and item.get("topic") == topic[:200])
                    or (start is not None and parse_time(item.get("start_time")) == start)
                ) and (found := self._confirm(str(item["id"]), needle, webinar)):
                    return found
            token = body.get("next_page_token")
            if not token:
                return None
            params["next_page_token"] = token

    def _confirm(self, meeting_id: str, needle: str, webinar: bool) -> PlatformMeeting | None:
        try:
            full = self._call("GET", self._url(f"/{self._base(webinar)}/{meeting_id}"))
        except PlatformError as exc:
            if exc.not_found:  # deleted since it was listed
                return None
            raise
        if needle not in str(full.get("agenda") or ""):
            return None
        return PlatformMeeting(id=meeting_id, join_url=str(full.get("join_url") or ""))

    def update_meeting(self, meeting_id: str, spec: MeetingSpec, *, webinar: bool = False) -> None:
        body = self._body(spec, webinar)
        body.pop("type")
        self._call("PATCH", self._url(f"/{self._base(webinar)}/{meeting_id}"), json=body)

    def delete_meeting(self, meeting_id: str, *, webinar: bool = False) -> None:
        try:
            self._call("DELETE", self._url(f"/{self._base(webinar)}/{meeting_id}"))
        except PlatformError as exc:
            if not exc.not_found:
                raise

    def add_registrant(
        self,
        meeting_id: str,
        *,
        email: str,
        first_name: str,
        last_name: str = "",
        webinar: bool = False,
    ) -> Registrant:
        body = self._call(
            "POST",
            self._url(f"/{self._base(webinar)}/{meeting_id}/registrants"),
            json={
                "email": email,
                "first_name": first_name[:64] or email,
                "last_name": last_name[:64],
            },
        )
        return Registrant(
            id=str(body.get("registrant_id") or ""), join_url=str(body.get("join_url") or "")
        )

    def cancel_registrants(
        self, meeting_id: str, registrants: list[tuple[str, str]], *, webinar: bool = False
    ) -> None:
        """Cancel (registrant id, email) pairs, in batches of 30 as Zoom allows."""
        url = self._url(f"/{self._base(webinar)}/{meeting_id}/registrants/status")
        for start in range(0, len(registrants), CANCEL_BATCH):
            batch = registrants[start : start + CANCEL_BATCH]
            self._call(
                "PUT",
                url,
                json={
                    "action": "cancel",
                    # Zoom finds a registrant by id; an erased person's address may be gone.
                    "registrants": [
                        {"id": rid, "email": email} if email else {"id": rid}
                        for rid, email in batch
                    ],
                },
            )

    def participants(self, meeting_id: str, *, webinar: bool = False) -> Iterator[Participant]:
        url = self._url(f"/report/{self._base(webinar)}/{meeting_id}/participants")
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        while True:
            body = self._call("GET", url, params=params)
            for item in body.get("participants") or []:
                yield Participant(
                    name=str(item.get("name") or ""),
                    email=str(item.get("user_email") or ""),
                    join_time=parse_time(item.get("join_time")),
                    leave_time=parse_time(item.get("leave_time")),
                    duration_seconds=int(item.get("duration") or 0),
                    registrant_id=str(item.get("registrant_id") or ""),
                )
            token = body.get("next_page_token")
            if not token:
                return
            params["next_page_token"] = token

    def recording(self, meeting_id: str) -> Recording | None:
        try:
            body = self._call("GET", self._url(f"/meetings/{meeting_id}/recordings"))
        except PlatformError as exc:
            if exc.not_found:
                return None
            raise
        files = tuple(
            str(f["play_url"]) for f in body.get("recording_files") or [] if f.get("play_url")
        )
        if not body.get("share_url") and not files:
            return None
        return Recording(
            share_url=str(body.get("share_url") or ""),
            passcode=str(body.get("recording_play_passcode") or body.get("password") or ""),
            files=files,
        )
