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
    """Everyone's links to an event at once (two queries: the meetings, then every Zoom
    meeting's rows), for the join-link round and its emails."""

    def __init__(self, event: EventPage, *, now: datetime | None = None) -> None:
        self.event = event
        self.now = now or timezone.now()
        self.meetings = event_meetings(event)
        self.meeting = self.meetings[0] if self.meetings else None
        self.shared = event.join_url or (self.meeting.join_url if self.meeting else "")
        zoom = [m.pk for m in self.meetings if m.kind in ZOOM_KINDS]
        self.by_meeting: dict[int, dict[str, MeetingRegistrant]] = {pk: {} for pk in zoom}
        if zoom:
            rows = MeetingRegistrant.objects.filter(meeting_id__in=zoom, wanted=True).only(
                "meeting_id", "person", "join_url", "registered_meeting", "created_at", "status"
            )
            for row in rows:
                self.by_meeting[row.meeting_id][row.person] = row
        self.rows: dict[str, MeetingRegistrant] = (
            self.by_meeting.get(self.meeting.pk, {}) if self.meeting else {}
        )

    def _own(
        self, meeting: SessionMeeting, registration: Registration, member: GroupMember | None
    ) -> PersonalLink:
        if meeting.kind not in ZOOM_KINDS:
            return PersonalLink("", False)
        row = self.by_meeting.get(meeting.pk, {}).get(person_key(registration, member))
        return _decide(self.event, meeting, row, self.now)

    def url(self, registration: Registration, member: GroupMember | None = None) -> str:
        if self.meeting is None or self.meeting.kind not in ZOOM_KINDS:
            return self.shared
        own = self._own(self.meeting, registration, member)
        return own.url or ("" if own.waiting else self.shared)

    def later(
        self, registration: Registration, member: GroupMember | None = None
    ) -> list[tuple[str, str]]:
        """``later_session_links`` without a query."""
        links = []
        for number, meeting in enumerate(self.meetings[1:], start=2):
            url = self._own(meeting, registration, member).url or meeting.join_url
            if url:
                links.append((_later_label(meeting, number), url))
        return links


def _later_label(meeting: SessionMeeting, number: int) -> str:
    title = meeting.session.title if meeting.session else ""
    return f"Deltagerlink til {title or f'session {number}'}"


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
    event: EventPage,
    registration: Registration,
    member: GroupMember | None = None,
    *,
    book: LinkBook | None = None,
) -> list[tuple[str, str]]:
    """(label, link) of the sessions after the first, for an event of several meetings (from
    the ``book`` when given: no query per person)."""
    if book is not None:
        return book.later(registration, member)
    meetings = event_meetings(event)
    links = []
    for number, meeting in enumerate(meetings[1:], start=2):
        own = personal_link(event, registration, member, meeting=meeting)
        url = own.url or meeting.join_url
        if url:
            links.append((_later_label(meeting, number), url))
    return links
