"""The demo's finished course that gives certificates: three modules, attendance per session
(some people meet the rule, some do not), and the certificates issued with their emails."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from django.utils import timezone

from events.courses.certificates import certificates_issue
from events.courses.services import attendance_set
from events.models import EventPage, RegistrationStatus


def _module(day: date, number: int) -> dict[str, Any]:
    tz = timezone.get_default_timezone()
    return {
        "title": f"Modul {number}",
        "start": datetime.combine(day, time(9), tzinfo=tz),
        "end": datetime.combine(day, time(13), tzinfo=tz),
    }


def certificate_course_spec(first_day: date) -> dict[str, Any]:
    return {
        "partner": "boerns-vilkaar",
        "slug": "kompetenceforloeb-samtaler-med-boern",
        "title": "Kompetenceforløb: Samtaler med børn og unge",
        "event_type": "competence_course",
        "teaser": "Tre moduler om at tale med børn og unge i deres egen sag. Deltagere, der er "
        "med til mindst to moduler, får et kursusbevis.",
        "format": "physical",
        "venue_name": "Børns Vilkår",
        "venue_address": "Trekronergade 26",
        "venue_postcode": "2500",
        "venue_city": "Valby",
        "municipality": "København",
        "capacity": 30,
        "completion_rule": "at_least",
        "completion_min_sessions": 2,
        "co_organisers": ["socialstyrelsen"],
        "topics": ["Børneinddragelse"],
        "audiences": ["sagsbehandlere"],
        "sessions": [_module(first_day + timedelta(weeks=i), i + 1) for i in range(3)],
    }


def coming_course_spec(first_day: date) -> dict[str, Any]:
    """The same course's next round, three modules ahead: open for sign-up."""
    spec = certificate_course_spec(first_day)
    spec.update(
        slug="kompetenceforloeb-samtaler-med-boern-naeste-hold",
        title="Kompetenceforløb: Samtaler med børn og unge (næste hold)",
        teaser="Næste hold af forløbet i tre moduler om at tale med børn og unge i deres egen "
        "sag. Deltagere, der er med til mindst to moduler, får et kursusbevis.",
    )
    return spec


def course_attendance_seed(*, event: EventPage, rng: Random, now: datetime) -> int:
    """Attendance per session for the confirmed registrants; then the certificates."""
    registrations = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    for registration in registrations.order_by("pk"):
        for session in event.sessions.all():
            status = "present" if rng.random() < 0.75 else rng.choice(["absent", "excused"])
            attendance_set(
                session=session, registration=registration, status=status, now=session.starts_at()
            )
    return certificates_issue(event=event, now=now)
