"""A stand-in for Microsoft Graph's online meetings and the Microsoft identity platform's
token endpoint, as Microsoft documents them.

One server answers both: ``{url}/{tenant}/oauth2/v2.0/token`` (MS_LOGIN_URL = ``{url}``) and
``{url}/v1.0`` (GRAPH_API_URL). It keeps online meetings per organiser (``createOrGet`` by
``externalId`` as Graph does), attendance reports and their records (``add_attendance``, served
in pages with ``@odata.nextLink``), and checks client credentials and bearer tokens.

    python -m tests.standins.graph --port 8766 --tenant demo --client-id demo --client-secret demo
"""

from __future__ import annotations

import argparse
import secrets
import uuid
from typing import Any

from tests.standins.base import Answer, Request, StandIn, serve_forever

USERS = r"/v1\.0/users/(?P<user>[^/]+)/onlineMeetings"


class GraphStandIn(StandIn):
    page_size = 2  # small, so paging is exercised

    def __init__(
        self,
        *,
        tenant: str = "tenant-1",
        client_id: str = "graph-client-1",
        client_secret: str = "graph-secret-1",
        organizer: str = "organizer-1",
        **kwargs: Any,
    ) -> None:
        self.tenant = tenant
        self.client = (client_id, client_secret)
        self.organizer = organizer
        self.meetings: dict[str, dict[str, Any]] = {}
        self.reports: dict[str, list[dict[str, Any]]] = {}
        self.records: dict[str, list[dict[str, Any]]] = {}
        super().__init__(**kwargs)

    @property
    def login_url(self) -> str:
        return self.url

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1.0"

    def error_body(self, status: int, message: str, code: Any = None) -> Any:
        names = {
            404: "NotFound",
            429: "TooManyRequests",
            400: "BadRequest",
            401: "InvalidAuthenticationToken",
        }
        return {"error": {"code": names.get(status, "generalException"), "message": message}}

    def routes(self) -> None:
        self.route("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", self.token)
        self.route("POST", USERS, self.create)
        self.route("POST", USERS + r"/createOrGet", self.create_or_get)
        self.route("GET", USERS + r"/(?P<id>[^/]+)", self.get)
        self.route("PATCH", USERS + r"/(?P<id>[^/]+)", self.update)
        self.route("DELETE", USERS + r"/(?P<id>[^/]+)", self.delete)
        self.route("GET", USERS + r"/(?P<id>[^/]+)/attendanceReports", self.list_reports)
        self.route(
            "GET",
            USERS + r"/(?P<id>[^/]+)/attendanceReports/(?P<report>[^/]+)/attendanceRecords",
            self.list_records,
        )

    # --- helpers for tests ----------------------------------------------------------------

    def add_attendance(self, meeting_id: str, people: list[dict[str, Any]]) -> str:
        """One attendance report of the meeting with records: dicts with emailAddress,
        displayName, seconds, join, leave."""
        report_id = str(uuid.uuid4())
        with self.lock:
            self.reports.setdefault(meeting_id, []).append(
                {
                    "id": report_id,
                    "totalParticipantCount": len(people),
                    "meetingStartDateTime": "2026-01-01T09:00:00Z",
                    "meetingEndDateTime": "2026-01-01T10:00:00Z",
                }
            )
            self.records[report_id] = [
                {
                    "id": str(uuid.uuid4()),
                    "emailAddress": p.get("emailAddress", ""),
                    "totalAttendanceInSeconds": p.get("seconds", 3600),
                    "role": p.get("role", "Attendee"),
                    "identity": {"id": str(uuid.uuid4()), "displayName": p.get("displayName", "")},
                    "attendanceIntervals": [
                        {
                            "joinDateTime": p.get("join", "2026-01-01T09:00:00Z"),
                            "leaveDateTime": p.get("leave", "2026-01-01T10:00:00Z"),
                            "durationInSeconds": p.get("seconds", 3600),
                        }
                    ],
                }
                for p in people
            ]
        return report_id

    def live_meetings(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.meetings.values() if not m.get("deleted")]

    # --- handlers -------------------------------------------------------------------------

    def token(self, request: Request) -> Answer:
        form = request.form()
        if request.params["tenant"] != self.tenant:
            return (
                400,
                {"error": "invalid_request", "error_description": "AADSTS90002: Tenant not found."},
                {},
            )
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("scope") != "https://graph.microsoft.com/.default"
        ):
            return (
                400,
                {"error": "invalid_request", "error_description": "AADSTS900144: bad request."},
                {},
            )
        if (form.get("client_id"), form.get("client_secret")) != self.client:
            return (
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                },
                {},
            )
        answer = self.issue_token()
        return 200, {**answer, "token_type": "Bearer", "ext_expires_in": answer["expires_in"]}, {}

    def _check(self, request: Request) -> Answer | None:
        if not self.authorised(request):
            return 401, self.error_body(401, "Access token is empty or invalid."), {}
        if request.params["user"] != self.organizer:
            return 404, self.error_body(404, "User not found."), {}
        return None

    def _meeting(self, request: Request) -> dict[str, Any] | None:
        meeting = self.meetings.get(request.params["id"])
        return None if meeting is None or meeting.get("deleted") else meeting

    def _public(self, meeting: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in meeting.items() if k != "deleted"}

    def _new(self, body: dict[str, Any]) -> dict[str, Any]:
        meeting_id = "MSo" + secrets.token_urlsafe(24)
        meeting = {
            "id": meeting_id,
            "subject": body.get("subject", ""),
            "startDateTime": body.get("startDateTime"),
            "endDateTime": body.get("endDateTime"),
            "externalId": body.get("externalId"),
            "joinWebUrl": f"{self.url}/l/meetup-join/{secrets.token_urlsafe(12)}",
            "joinMeetingIdSettings": {"joinMeetingId": str(secrets.randbelow(10**12))},
        }
        self.meetings[meeting_id] = meeting
        return meeting

    def create(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        body = request.json()
        if not body.get("startDateTime") or not body.get("endDateTime"):
            return 400, self.error_body(400, "startDateTime and endDateTime are required."), {}
        return 201, self._public(self._new(body)), {}

    def create_or_get(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        body = request.json()
        if not body.get("externalId") or not body.get("startDateTime"):
            return 400, self.error_body(400, "externalId is required."), {}
        for meeting in self.meetings.values():
            if meeting["externalId"] == body["externalId"] and not meeting.get("deleted"):
                return 200, self._public(meeting), {}
        return 201, self._public(self._new(body)), {}

    def get(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        meeting = self._meeting(request)
        if meeting is None:
            return 404, self.error_body(404, "The meeting was not found."), {}
        return 200, self._public(meeting), {}

    def update(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        meeting = self._meeting(request)
        if meeting is None:
            return 404, self.error_body(404, "The meeting was not found."), {}
        body = request.json()
        for key in ("subject", "startDateTime", "endDateTime"):
            if key in body:
                meeting[key] = body[key]
        return 200, self._public(meeting), {}

    def delete(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        meeting = self._meeting(request)
        if meeting is None:
            return 404, self.error_body(404, "The meeting was not found."), {}
        meeting["deleted"] = True
        return 204, None, {}

    def _page(self, request: Request, rows: list[dict[str, Any]]) -> Answer:
        start = int(request.query.get("$skiptoken") or 0)
        body: dict[str, Any] = {"value": rows[start : start + self.page_size]}
        if start + self.page_size < len(rows):
            body["@odata.nextLink"] = (
                f"{self.url}{request.path}?$skiptoken={start + self.page_size}"
            )
        return 200, body, {}

    def list_reports(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        if request.params["id"] not in self.meetings:
            return 404, self.error_body(404, "The meeting was not found."), {}
        return self._page(request, self.reports.get(request.params["id"], []))

    def list_records(self, request: Request) -> Answer:
        if refused := self._check(request):
            return refused
        if request.params["report"] not in self.records:
            return 404, self.error_body(404, "The report was not found."), {}
        return self._page(request, self.records[request.params["report"]])


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in for Microsoft Graph.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--client-id", default="demo")
    parser.add_argument("--client-secret", default="demo")
    parser.add_argument("--organizer", default="demo")
    args = parser.parse_args()
    standin = GraphStandIn(
        port=args.port,
        tenant=args.tenant,
        client_id=args.client_id,
        client_secret=args.client_secret,
        organizer=args.organizer,
    )
    serve_forever(standin, "Graph stand-in on {url}: MS_LOGIN_URL={url} GRAPH_API_URL={url}/v1.0")


if __name__ == "__main__":
    main()
