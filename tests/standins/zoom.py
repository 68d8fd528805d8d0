"""A stand-in for Zoom's API and OAuth server, as Zoom documents them.

One server answers both: ``{url}/oauth/token`` (ZOOM_OAUTH_URL) and ``{url}/v2`` (ZOOM_API_URL).
It keeps meetings and webinars, their registrants, participants reports (set with
``add_participants``, served in pages of ``page_size`` with ``next_page_token``) and cloud
recordings (``add_recording``), checks the basic auth of the token request and the bearer
token of every call. "List meetings" truncates each agenda to 250 characters, as Zoom
does; ``GET /meetings/{id}`` gives it whole. ``signed_webhook`` builds a webhook request as
Zoom signs it.

From the command line, for the README's demo:

    python -m tests.standins.zoom --port 8765 \
        --account-id demo --client-id demo --client-secret demo
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from tests.standins.base import Answer, Request, StandIn, serve_forever

LISTED_AGENDA = 250  # characters of a meeting's agenda in "List meetings"


def _signature(secret: str, timestamp: str, body: str) -> str:
    message = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class ZoomStandIn(StandIn):
    def __init__(
        self,
        *,
        account_id: str = "acc-1",
        client_id: str = "client-1",
        client_secret: str = "zoom-secret-1",
        **kwargs: Any,
    ) -> None:
        self.credentials = {account_id: (client_id, client_secret)}
        self.meetings: dict[str, dict[str, Any]] = {}
        self.registrants: dict[str, dict[str, dict[str, Any]]] = {}
        self.participants: dict[str, list[dict[str, Any]]] = {}
        self.recordings: dict[str, dict[str, Any]] = {}
        self.next_id = 81000000000
        super().__init__(**kwargs)

    @property
    def oauth_url(self) -> str:
        return f"{self.url}/oauth/token"

    @property
    def api_url(self) -> str:
        return f"{self.url}/v2"

    def error_body(self, status: int, message: str, code: Any = None) -> Any:
        return {"code": code or status, "message": message}

    def routes(self) -> None:
        self.route("POST", r"/oauth/token", self.token)
        for kind in ("meetings", "webinars"):
            self.route("POST", rf"/v2/users/me/(?P<kind>{kind})", self.create)
            self.route("GET", rf"/v2/users/me/(?P<kind>{kind})", self.list_meetings)
            self.route("GET", rf"/v2/(?P<kind>{kind})/(?P<id>\d+)", self.get)
            self.route("PATCH", rf"/v2/(?P<kind>{kind})/(?P<id>\d+)", self.update)
            self.route("DELETE", rf"/v2/(?P<kind>{kind})/(?P<id>\d+)", self.delete)
            self.route("POST", rf"/v2/(?P<kind>{kind})/(?P<id>\d+)/registrants", self.register)
            self.route(
                "GET", rf"/v2/(?P<kind>{kind})/(?P<id>\d+)/registrants", self.list_registrants
            )
            self.route(
                "PUT",
                rf"/v2/(?P<kind>{kind})/(?P<id>\d+)/registrants/status",
                self.registrant_status,
            )
            self.route("GET", rf"/v2/report/(?P<kind>{kind})/(?P<id>\d+)/participants", self.report)
        self.route("GET", r"/v2/meetings/(?P<id>\d+)/recordings", self.recording)

    # --- helpers for tests ----------------------------------------------------------------

    def add_participants(self, meeting_id: str, people: list[dict[str, Any]]) -> None:
        """Participants report rows: dicts with name, user_email, join_time, leave_time,
        duration (seconds); missing fields are filled in."""
        with self.lock:
            rows = self.participants.setdefault(str(meeting_id), [])
            for person in people:
                rows.append(
                    {
                        "id": secrets.token_hex(6),
                        "user_id": str(len(rows) + 1),
                        "name": person.get("name", ""),
                        "user_email": person.get("user_email", ""),
                        "join_time": person.get("join_time", "2026-01-01T09:00:00Z"),
                        "leave_time": person.get("leave_time", "2026-01-01T10:00:00Z"),
                        "duration": person.get("duration", 3600),
                        "registrant_id": person.get("registrant_id", ""),
                        "status": "in_meeting",
                    }
                )

    def add_recording(self, meeting_id: str, *, share_url: str = "", passcode: str = "") -> None:
        meeting_id = str(meeting_id)
        with self.lock:
            self.recordings[meeting_id] = {
                "uuid": secrets.token_urlsafe(12),
                "id": int(meeting_id),
                "topic": self.meetings.get(meeting_id, {}).get("topic", ""),
                # Zoom's share links are on zoom.us (only such a link is ever proposed).
                "share_url": share_url
                or f"https://us06web.zoom.us/rec/share/{secrets.token_urlsafe(8)}",
                "recording_play_passcode": passcode,
                "recording_files": [
                    {
                        "id": secrets.token_hex(8),
                        "file_type": "MP4",
                        "recording_type": "shared_screen_with_speaker_view",
                        "play_url": f"{self.url}/rec/play/{secrets.token_urlsafe(8)}",
                        "download_url": f"{self.url}/rec/download/{secrets.token_urlsafe(8)}",
                        "status": "completed",
                    }
                ],
            }

    def live_meetings(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.meetings.values() if not m.get("deleted")]

    def signed_webhook(
        self, secret: str, event: str, payload: dict[str, Any], *, timestamp: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and body of a webhook request as Zoom sends it."""
        ts = timestamp or str(int(time.time()))
        body = json.dumps(
            {"event": event, "event_ts": int(ts) * 1000, "payload": payload}, separators=(",", ":")
        )
        headers = {
            "Content-Type": "application/json",
            "x-zm-request-timestamp": ts,
            "x-zm-signature": _signature(secret, ts, body),
        }
        return headers, body.encode()

    # --- handlers -------------------------------------------------------------------------

    def token(self, request: Request) -> Answer:
        if request.query.get("grant_type") != "account_credentials":
            return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, {}
        expected = self.credentials.get(request.query.get("account_id", ""))
        header = request.headers.get("Authorization", "")
        try:
            user, _, password = (
                base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
            )
        except ValueError:
            user = password = ""
        if expected is None:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}, {}
        if not header.startswith("Basic ") or (user, password) != expected:
            return (
                400,
                {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                {},
            )
        return 200, {**self.issue_token(), "scope": "meeting:write:admin"}, {}

    def _unauthorised(self) -> Answer:
        return 401, {"code": 124, "message": "Invalid access token."}, {}

    def _meeting(self, request: Request) -> dict[str, Any] | None:
        meeting = self.meetings.get(request.params["id"])
        if meeting is None or meeting.get("deleted") or meeting["kind"] != request.params["kind"]:
            return None
        return meeting

    def _missing(self, request: Request) -> Answer:
        what = "Webinar" if request.params.get("kind") == "webinars" else "Meeting"
        return 404, {"code": 3001, "message": f"{what} does not exist: {request.params['id']}."}, {}

    def _public(self, meeting: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in meeting.items() if k not in {"kind", "deleted"}}

    def create(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        body = request.json()
        if not body.get("topic") or not body.get("start_time"):
            return 400, {"code": 300, "message": "Validation Failed."}, {}
        self.next_id += 1
        meeting_id = str(self.next_id)
        meeting = {
            "id": int(meeting_id),
            "uuid": secrets.token_urlsafe(16),
            "kind": request.params["kind"],
            "host_id": "host-1",
            "topic": body["topic"],
            "type": body.get("type", 2),
            "start_time": body["start_time"],
            "duration": body.get("duration", 60),
            "timezone": body.get("timezone", "UTC"),
            "agenda": body.get("agenda", ""),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "join_url": f"{self.url}/j/{meeting_id}",
            "registration_url": f"{self.url}/meeting/register/{meeting_id}",
            "start_url": f"{self.url}/s/{meeting_id}?zak={secrets.token_urlsafe(12)}",
            "settings": body.get("settings", {}),
        }
        self.meetings[meeting_id] = meeting
        self.registrants[meeting_id] = {}
        return 201, self._public(meeting), {}

    def list_meetings(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        kind = request.params["kind"]
        rows = [
            self._public(m)
            for m in self.meetings.values()
            if m["kind"] == kind and not m.get("deleted")
        ]
        size = min(int(request.query.get("page_size", 30)), 300)
        start = int(request.query.get("next_page_token") or 0)
        page = rows[start : start + size]
        token = str(start + size) if start + size < len(rows) else ""
        listed = [
            {
                k: m[k]
                for k in (
                    "id",
                    "uuid",
                    "topic",
                    "type",
                    "start_time",
                    "duration",
                    "timezone",
                    "agenda",
                    "join_url",
                )
            }
            for m in page
        ]
        for m in listed:  # as Zoom: the list gives only the agenda's start; GET gives it whole
            m["agenda"] = m["agenda"][:LISTED_AGENDA]
        return (
            200,
            {"page_size": size, "total_records": len(rows), "next_page_token": token, kind: listed},
            {},
        )

    def get(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        meeting = self._meeting(request)
        return (200, self._public(meeting), {}) if meeting else self._missing(request)

    def update(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        meeting = self._meeting(request)
        if meeting is None:
            return self._missing(request)
        body = request.json()
        for key in ("topic", "start_time", "duration", "timezone", "agenda", "settings"):
            if key in body:
                meeting[key] = body[key]
        return 204, None, {}

    def delete(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        meeting = self._meeting(request)
        if meeting is None:
            return self._missing(request)
        meeting["deleted"] = True
        return 204, None, {}

    def register(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        meeting = self._meeting(request)
        if meeting is None:
            return self._missing(request)
        body = request.json()
        email = str(body.get("email") or "").strip().lower()
        if "@" not in email or not body.get("first_name"):
            return 400, {"code": 300, "message": "Validation Failed."}, {}
        people = self.registrants[request.params["id"]]
        person = next((p for p in people.values() if p["email"] == email), None)
        if person is None:
            rid = secrets.token_urlsafe(12)
            person = {
                "id": rid,
                "email": email,
                "first_name": body["first_name"],
                "last_name": body.get("last_name", ""),
                "status": "approved",
                "join_url": f"{self.url}/w/{request.params['id']}?tk={secrets.token_urlsafe(16)}",
                "create_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            people[rid] = person
        else:
            person["status"] = "approved"
        return (
            201,
            {
                "id": meeting["id"],
                "registrant_id": person["id"],
                "join_url": person["join_url"],
                "topic": meeting["topic"],
                "start_time": meeting["start_time"],
            },
            {},
        )

    def list_registrants(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        if self._meeting(request) is None:
            return self._missing(request)
        status = request.query.get("status", "approved")
        rows = [p for p in self.registrants[request.params["id"]].values() if p["status"] == status]
        return (
            200,
            {
                "page_size": 300,
                "total_records": len(rows),
                "next_page_token": "",
                "registrants": rows,
            },
            {},
        )

    def registrant_status(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        if self._meeting(request) is None:
            return self._missing(request)
        body = request.json()
        action = body.get("action")
        if action not in {"approve", "cancel", "deny"} or len(body.get("registrants") or []) > 30:
            return 400, {"code": 300, "message": "Validation Failed."}, {}
        people = self.registrants[request.params["id"]]
        for item in body.get("registrants") or []:
            for person in people.values():
                if (
                    person["id"] == item.get("id")
                    or person["email"] == str(item.get("email", "")).lower()
                ):
                    person["status"] = {
                        "approve": "approved",
                        "cancel": "cancelled",
                        "deny": "denied",
                    }[action]
        return 204, None, {}

    def report(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        meeting_id = request.params["id"]
        if meeting_id not in self.meetings:
            return 404, {"code": 3001, "message": "Meeting does not exist."}, {}
        rows = self.participants.get(meeting_id, [])
        size = min(int(request.query.get("page_size", 30)), 300)
        start = int(request.query.get("next_page_token") or 0)
        token = str(start + size) if start + size < len(rows) else ""
        return (
            200,
            {
                "page_count": (len(rows) + size - 1) // size,
                "page_size": size,
                "total_records": len(rows),
                "next_page_token": token,
                "participants": rows[start : start + size],
            },
            {},
        )

    def recording(self, request: Request) -> Answer:
        if not self.authorised(request):
            return self._unauthorised()
        found = self.recordings.get(request.params["id"])
        if found is None:
            return 404, {"code": 3301, "message": "This recording does not exist."}, {}
        return 200, found, {}


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in for Zoom's API.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--account-id", default="demo")
    parser.add_argument("--client-id", default="demo")
    parser.add_argument("--client-secret", default="demo")
    args = parser.parse_args()
    standin = ZoomStandIn(
        port=args.port,
        account_id=args.account_id,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    serve_forever(
        standin,
        "Zoom stand-in on {url}: ZOOM_API_URL={url}/v2 ZOOM_OAUTH_URL={url}/oauth/token",
    )


if __name__ == "__main__":
    main()
