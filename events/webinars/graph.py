"""A small Microsoft Graph client for Teams online meetings (client credentials), for one
partner's ``WebinarAccount``.

Interface (stable):

    client = GraphClient(account)                  # account.platform == "teams"
    client.create_meeting(spec) -> PlatformMeeting # idempotent by spec.marker (createOrGet)
    client.update_meeting(meeting_id, spec) -> None
    client.delete_meeting(meeting_id) -> None      # gone already: fine
    client.attendance_records(meeting_id) -> Iterator[AttendanceRecord]  # every report, all pages

Every failure raises ``events.webinars.transport.PlatformError``.

Documented requests: token ``POST {MS_LOGIN_URL}/{tenant}/oauth2/v2.0/token`` (form:
client_id, client_secret, scope ``https://graph.microsoft.com/.default``, grant_type
client_credentials); ``POST /users/{organizer}/onlineMeetings/createOrGet`` (with
``externalId``), ``PATCH``/``DELETE /users/{organizer}/onlineMeetings/{id}``,
``GET …/onlineMeetings/{id}/attendanceReports`` and
``…/attendanceReports/{id}/attendanceRecords`` (``@odata.nextLink`` paging). The app needs the
``OnlineMeetings.ReadWrite.All`` and ``OnlineMeetingArtifact.Read.All`` application permissions
and an application access policy for the organiser.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from events.webinars.transport import PlatformClient, PlatformError
from events.webinars.zoom import MeetingSpec, PlatformMeeting, parse_time

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@dataclass(frozen=True)
class AttendanceRecord:
    email: str
    name: str
    role: str
    seconds: int
    join_time: datetime | None
    leave_time: datetime | None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.netloc or "").lower()


def _iso(moment: datetime) -> str:
    return moment.isoformat()


class GraphClient(PlatformClient):
    platform = "Microsoft Graph"

    def _fetch_token(self) -> tuple[str, int]:
        tenant = quote(self.account.tenant_id, safe="")
        response = self._send(
            "POST",
            f"{settings.MS_LOGIN_URL}/{tenant}/oauth2/v2.0/token",
            data={
                "client_id": self.account.client_id,
                "client_secret": self.account.client_secret,
                "scope": GRAPH_SCOPE,
                "grant_type": "client_credentials",
            },
            headers={"Accept": "application/json"},
        )
        if response.status_code >= 400:
            raise self._error(response)
        body = response.json()
        if not body.get("access_token"):
            raise PlatformError(platform=self.platform, status=200, message="intet access_token")
        return str(body["access_token"]), int(body.get("expires_in") or 3600)

    def _meetings_url(self) -> str:
        organizer = quote(self.account.organizer, safe="@.")
        return f"{settings.GRAPH_API_URL}/users/{organizer}/onlineMeetings"

    @staticmethod
    def _body(spec: MeetingSpec) -> dict[str, Any]:
        return {
            "subject": spec.topic[:250],
            "startDateTime": _iso(spec.start),
            "endDateTime": _iso(spec.end),
        }

    def create_meeting(self, spec: MeetingSpec) -> PlatformMeeting:
        body = self._call(
            "POST",
            self._meetings_url() + "/createOrGet",
            json={**self._body(spec), "externalId": spec.marker},
        )
        return PlatformMeeting(id=str(body["id"]), join_url=str(body.get("joinWebUrl") or ""))

    def update_meeting(self, meeting_id: str, spec: MeetingSpec) -> None:
        self._call(
            "PATCH", f"{self._meetings_url()}/{quote(meeting_id, safe='')}", json=self._body(spec)
        )

    def delete_meeting(self, meeting_id: str) -> None:
        try:
            self._call("DELETE", f"{self._meetings_url()}/{quote(meeting_id, safe='')}")
        except PlatformError as exc:
            if not exc.not_found:
                raise

    def _pages(self, url: str) -> Iterator[dict[str, Any]]:
        next_url: str | None = url
        while next_url:
            body = self._call("GET", next_url)
            yield from body.get("value") or []
            next_url = body.get("@odata.nextLink")
            if next_url and _origin(str(next_url)) != _origin(settings.GRAPH_API_URL):
                # The access token goes with the request: only to Graph itself.
                raise PlatformError(
                    platform=self.platform,
                    status=200,
                    message="@odata.nextLink peger uden for GRAPH_API_URL",
                )

    def attendance_records(self, meeting_id: str) -> Iterator[AttendanceRecord]:
        base = f"{self._meetings_url()}/{quote(meeting_id, safe='')}/attendanceReports"
        for report in self._pages(base):
            for item in self._pages(
                f"{base}/{quote(str(report['id']), safe='')}/attendanceRecords"
            ):
                intervals = item.get("attendanceIntervals") or []
                identity = item.get("identity") or {}
                yield AttendanceRecord(
                    email=str(item.get("emailAddress") or ""),
                    name=str(identity.get("displayName") or ""),
                    role=str(item.get("role") or ""),
                    seconds=int(item.get("totalAttendanceInSeconds") or 0),
                    join_time=parse_time(intervals[0].get("joinDateTime")) if intervals else None,
                    leave_time=parse_time(intervals[-1].get("leaveDateTime"))
                    if intervals
                    else None,
                )
