"""The calendar file of an email, addressed to its recipient as iTIP (RFC 5546) asks.

Outlook, Gmail and Apple Mail add an invitation, and later update or remove it in place, only
when a ``METHOD:REQUEST`` or ``METHOD:CANCEL`` names the recipient as ATTENDEE beside the
ORGANIZER. The event's file is built once per publish (``events.mail.services``); each
recipient's copy gets their ATTENDEE line in every VEVENT. The feeds are ``METHOD:PUBLISH``
and name no attendee.

Two kinds of CANCEL: the event (or some sessions) called off, with ``STATUS:CANCELLED``; and
one attendee no longer registered (RFC 5546 3.2.5, "uninvite"), which leaves STATUS out and the
summary as it is, so the file reads as "you are no longer registered", not as a cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass

from icalendar import vCalAddress, vText
from icalendar.parser import Contentline

from events.ical.writer import _fold

END_VEVENT = "END:VEVENT\r\n"


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str
    name: str = ""


def attendee_line(attendee: Attendee) -> str:
    """``ATTENDEE;CN=…;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:…``: a
    registrant has already said yes, so no client asks them to answer."""
    address = vCalAddress(f"mailto:{attendee.email}")
    if attendee.name:
        address.params["CN"] = vText(attendee.name)
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["PARTSTAT"] = "ACCEPTED"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["RSVP"] = "FALSE"
    return _fold(str(Contentline.from_parts("ATTENDEE", address.params, address))) + "\r\n"


def addressed_to(ics: str, attendee: Attendee) -> str:
    """The calendar file with ``attendee`` as ATTENDEE of every VEVENT ("" stays "")."""
    if not ics:
        return ics
    return ics.replace(END_VEVENT, attendee_line(attendee) + END_VEVENT)
