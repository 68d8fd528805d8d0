"""The Danish name of a feed, saying what it selects: "… – VIVE – webinarer – Sagsbehandlere"."""

from __future__ import annotations

from collections.abc import Iterable

from events.models import EventFormat, EventStatus, EventType

CALENDAR_PREFIX = "Videnscenter om børneinddragelse"

TYPE_PLURALS: dict[str, str] = {
    EventType.CONFERENCE: "konferencer",
    EventType.WEBINAR: "webinarer",
    EventType.ADVISORY_COURSE: "rådgivningsforløb",
    EventType.COMPETENCE_COURSE: "kompetenceforløb",
    EventType.WORKSHOP: "workshops",
    EventType.NETWORK_MEETING: "netværksmøder",
}


FORMAT_LABELS: dict[str, str] = {
    EventFormat.ONLINE: "online",
    EventFormat.PHYSICAL: "fysisk fremmøde",
    EventFormat.HYBRID: "hybride",
}


STATUS_LABELS: dict[str, str] = {
    EventStatus.SCHEDULED: "planlagte",
    EventStatus.POSTPONED: "udsatte",
    EventStatus.CANCELLED: "aflyste",
    EventStatus.MOVED_ONLINE: "flyttet online",
}


def feed_name(
    *,
    partners: Iterable[str] = (),
    types: Iterable[str] = (),
    topics: Iterable[str] = (),
    audiences: Iterable[str] = (),
    formats: Iterable[str] = (),
    statuses: Iterable[str] = (),
    q: str = "",
) -> str:
    """The calendar's name from the selection's parts: partners' and terms' names, and the codes
    of event types, formats and statuses (named here in the plural). Empty parts are left out."""
    parts = [
        CALENDAR_PREFIX,
        ", ".join(partners),
        ", ".join(TYPE_PLURALS.get(t, t) for t in types),
        ", ".join(topics),
        ", ".join(audiences),
        ", ".join(FORMAT_LABELS.get(f, f) for f in formats),
        ", ".join(STATUS_LABELS.get(s, s) for s in statuses),
    ]
    if q := q.strip():
        parts.append(f"“{q}”")
    return " – ".join(part for part in parts if part)
