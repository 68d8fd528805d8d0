"""Emails to a staff group's named participants: their own seat, cancellation and join link.

Written like ``events.mail.services``' emails (one outbox row per cause), to the address each
participant was named with.
"""

from __future__ import annotations

from django.utils import timezone

from events import ical
from events.mail.compose import EmailContext
from events.mail.services import (
    CARRIES_CHECKIN,
    UNINVITES,
    cause_digest,
    checkin_links,
    email_write,
    event_calendar,
    join_link_due_at,
    join_link_write,
)
from events.models import EmailKind, EventPage, GroupMember, OutboundEmail, Registration
from events.webinars.links import LinkBook


def named_members(registration: Registration) -> list[GroupMember]:
    return [m for m in registration.members.all() if m.anonymised_at is None]


def member_links(member: GroupMember) -> list[tuple[str, str]]:
    return [("Se arrangementet eller afmeld dig", member.page_url())]


def member_key(kind: str, member: GroupMember) -> str:
    # The address and the link are part of the cause: a participant whose address changes is
    # a new person (and gets a new link), even when it changes back.
    return f"{kind}:m{member.pk}:{cause_digest(member.email, member.token)}"


def member_notify(*, member: GroupMember, kind: str) -> OutboundEmail | None:
    """A named participant's own email: their seat with the calendar file (the application
    approved, or they were added to an approved one), or its cancellation."""
    registration: Registration = member.registration
    event: EventPage = registration.event
    method = "CANCEL" if kind == EmailKind.MEMBER_CANCELLED else "REQUEST"
    checkin = checkin_links(event, registration, member) if kind in CARRIES_CHECKIN else {}
    email = email_write(
        kind=kind,
        to=member.email,
        dedupe_key=member_key(kind, member),
        registration_id=registration.pk,
        ics=event_calendar(
            event,
            method=method,
            attendee=ical.Attendee(member.email, member.name),
            uninvite=kind in UNINVITES,
        ),
        ics_method=method,
        context=EmailContext(
            kind=kind,
            event=event,
            sessions=list(event.sessions.all()),
            municipality=registration.municipality.name,
            links=member_links(member) if kind == EmailKind.MEMBER_CONFIRMATION else [],
            checkin_url=checkin.get("checkin_url", ""),
            checkin_qr=checkin.get("checkin_qr", ""),
        ),
    )
    if kind == EmailKind.MEMBER_CONFIRMATION:
        due = join_link_due_at(event)
        if due is not None and due <= timezone.now():
            member_join_link_notify(member=member)
    return email


def members_notify(*, registration: Registration, kind: str) -> int:
    """``member_notify`` for each named participant of the application."""
    return sum(member_notify(member=m, kind=kind) is not None for m in named_members(registration))


def member_join_link_key(member: GroupMember, join_url: str) -> str:
    return f"join_link:m{member.pk}:{cause_digest(member.email, join_url)}"


def member_join_link_notify(
    *, member: GroupMember, book: LinkBook | None = None
) -> OutboundEmail | None:
    return join_link_write(
        book=book,
        registration=member.registration,
        to=member.email,
        key=lambda join_url: member_join_link_key(member, join_url),
        links=member_links(member),
        attendee_name=member.name,
        member=member,
    )
