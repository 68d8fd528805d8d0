"""Which join link a person gets: their own on Zoom once they are registered with the meeting,
else the shared one (the link the editor pasted, or the meeting's own).

A person's link belongs to a session's meeting; the join-link email and its calendar file carry
the link of the event's first session with a meeting (and, for an event of several sessions, the
later sessions' links as the email's extra links). While a person's registration with Zoom is
under way the email waits, at most ``PERSONAL_LINK_WAIT`` after it fell due (or after the person
was confirmed, when that came later): then the shared link goes out, and the personal link
follows in an email of its own once Zoom gave it (a new link is a new cause). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from events.models import (
    EventPage,
    GroupMember,
    MeetingKind,
    MeetingRegistrant,
    MeetingState,
    Registration,
    SessionMeeting,
)

PERSONAL_LINK_WAIT = timedelta(minutes=30)
ZOOM_KINDS = (MeetingKind.ZOOM_MEETING, MeetingKind.ZOOM_WEBINAR)


def person_key(registration: Registration | int, member: GroupMember | int | None = None) -> str:
    """``r<registration id>`` or ``m<member id>``: who a ``MeetingRegistrant`` is."""
    if member is not None:
        return f"m{member if isinstance(member, int) else member.pk}"
    return f"r{registration if isinstance(registration, int) else registration.pk}"


def event_meetings(event: EventPage) -> list[SessionMeeting]:
    """The event's meetings that exist on a platform, in the order of their sessions."""
    meetings = [
        m
        for m in SessionMeeting.objects.filter(event_id=event.pk, session__isnull=False)
        .exclude(state=MeetingState.CANCELLED)
        .exclude(external_id="")
        .select_related("session")
    ]
    far = timezone.now() + timedelta(days=36500)

    def order(meeting: SessionMeeting) -> tuple[datetime, int]:
        session = meeting.session
        assert session is not None  # filtered above
        return (session.starts_at() or far, session.pk)

    return sorted(meetings, key=order)


def first_meeting(event: EventPage) -> SessionMeeting | None:
    meetings = event_meetings(event)
    return meetings[0] if meetings else None


def shared_join_url(event: EventPage) -> str:
    """The link every confirmed registrant may use: the editor's, else the first meeting's."""
    if event.join_url:
        return event.join_url
    meeting = first_meeting(event)
    return meeting.join_url if meeting else ""


def event_has_join_link(event: EventPage) -> bool:
    return bool(event.join_url) or any(m.join_url for m in event_meetings(event))


@dataclass(frozen=True)
class PersonalLink:
    url: str  # "" while there is none
    waiting: bool  # Zoom has not given it yet, and it is worth waiting for


def personal_link(
    event: EventPage,
    registration: Registration,
    member: GroupMember | None = None,
    *,
    meeting: SessionMeeting | None = None,
    now: datetime | None = None,
) -> PersonalLink:
    """The person's own link with the (first) meeting, or whether to wait for it."""
    if meeting is None:
        return PersonalLink("", False)
    if meeting.kind not in ZOOM_KINDS:
        return PersonalLink("", False)
    row = (
        MeetingRegistrant.objects.filter(
            meeting=meeting, person=person_key(registration, member), wanted=True
        )
        .only("join_url", "registered_meeting", "created_at", "status")
        .first()
    )
    return _decide(event, meeting, row, now or timezone.now())


def _decide(
    event: EventPage, meeting: SessionMeeting, row: MeetingRegistrant | None, now: datetime
) -> PersonalLink:
    if row is None:
        return PersonalLink("", False)
    if row.join_url and row.registered_meeting == meeting.external_id:
        return PersonalLink(row.join_url, False)
    if row.status == "failed":
        return PersonalLink("", False)
    due = event.first_start - timedelta(hours=event.join_link_hours) if event.first_start else now
    return PersonalLink("", now < max(due, row.created_at) + PERSONAL_LINK_WAIT)


class LinkBook:
    """Everyone's link to an event at once (two queries), for the minute's join-link round."""

    def __init__(self, event: EventPage, *, now: datetime | None = None) -> None:
        self.event = event
        self.now = now or timezone.now()
        self.meeting = first_meeting(event)
        self.shared = event.join_url or (self.meeting.join_url if self.meeting else "")
        self.rows: dict[str, MeetingRegistrant] = {}
        if self.meeting is not None and self.meeting.kind in ZOOM_KINDS:
            self.rows = {
                row.person: row
                for row in MeetingRegistrant.objects.filter(meeting=self.meeting, wanted=True).only(
                    "person", "join_url", "registered_meeting", "created_at", "status"
                )
            }

    def url(self, registration: Registration, member: GroupMember | None = None) -> str:
        if self.meeting is None or self.meeting.kind not in ZOOM_KINDS:
            return self.shared
        row = self.rows.get(person_key(registration, member))
        own = _decide(self.event, self.meeting, row, self.now)
        return own.url or ("" if own.waiting else self.shared)


def join_url_for(
    event: EventPage,
    registration: Registration,
    member: GroupMember | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """The person's link to send now: their own, else (not waiting for it) the shared one.
    Two small queries (the meetings, the person's row); ``LinkBook`` for everyone at once."""
    meeting = first_meeting(event)
    own = personal_link(event, registration, member, meeting=meeting, now=now)
    if own.url:
        return own.url
    if own.waiting:
        return ""
    return event.join_url or (meeting.join_url if meeting else "")


def later_session_links(
    event: EventPage, registration: Registration, member: GroupMember | None = None
) -> list[tuple[str, str]]:
    """(label, link) of the sessions after the first, for an event of several meetings."""
    meetings = event_meetings(event)
    links = []
    for number, meeting in enumerate(meetings[1:], start=2):
        own = personal_link(event, registration, member, meeting=meeting)
        url = own.url or meeting.join_url
        if url:
            title = meeting.session.title if meeting.session else ""
            label = title or f"session {number}"
            links.append((f"Deltagerlink til {label}", url))
    return links
