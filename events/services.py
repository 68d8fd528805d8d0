"""Writes of events and their sessions (registrations have their own: ``events/registrations/``)."""

from __future__ import annotations

from django.db import transaction

from events.models import (
    EventPage,
    EventSession,
)


@transaction.atomic
def event_sessions_record_publish(*, event: EventPage) -> list[EventSession]:
    """Bump each published session's iCal SEQUENCE when what calendars show has changed.

    Called once the event has been published. ``calendar_fingerprint`` holds what was last
    published (the revision being published cannot overwrite it: see
    ``EventPage.with_content_json``). A session published for the first time gets its
    fingerprint and keeps sequence 0; an unchanged session, however reordered, is left alone.
    Returns the sessions whose sequence rose.
    """
    bumped: list[EventSession] = []
    sessions = EventSession.objects.select_for_update().filter(event_id=event.pk)
    for session in sessions:
        fingerprint = session.compute_fingerprint(event)
        if fingerprint == session.calendar_fingerprint:
            continue
        if session.calendar_fingerprint:
            session.sequence += 1
            bumped.append(session)
        session.calendar_fingerprint = fingerprint
        EventSession.objects.filter(pk=session.pk).update(
            sequence=session.sequence, calendar_fingerprint=fingerprint
        )
    return bumped


# --- registrations: events/registrations/services.py ------------------------------------------
#
# Every step that counts or moves seats first locks the event's row (SELECT … FOR UPDATE on
# events_eventpage), so sign-ups, cancellations, promotions and approvals of one event run one
# at a time in every web process, and the waiting list's positions never repeat. Emails are
# written in the same transaction (events.mail.services) and go out after it commits.
