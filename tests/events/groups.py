"""Helpers for tests of staff groups by name: a course asking per participant, members."""

from __future__ import annotations

from datetime import timedelta

from events.registrations.applications import application_approve, application_manager_confirm
from tests.events.conftest import local
from tests.events.questions import option, question, with_questions

START = local(2031, 3, 10, 9, 0)
END = START + timedelta(hours=6)


def group_course(event_of, partner, **fields):
    """A staff-group course asking the group's area once, and each participant's diet
    (sensitive) and workshop (3 places in A)."""
    values = {
        "participation": "staff_group",
        "capacity": 40,
        "event_type": "advisory_course",
        "format": "online",
        "sessions": [{"start": START, "end": END}],
        "title": "Forløb om børnesamtaler",
    }
    values.update(fields)
    return with_questions(
        event_of,
        partner,
        question(
            "Område",
            "choice",
            key="omraade",
            data_class="statistical",
            options=[option("myndighed", "Myndighed"), option("almen", "Almenområdet")],
        ),
        question(
            "Kostbehov", "long_text", key="kost", data_class="sensitive", per_participant=True
        ),
        question(
            "Workshop",
            "limited_choice",
            key="workshop",
            per_participant=True,
            required=True,
            options=[option("a", "Workshop A", 3), option("b", "Workshop B", 30)],
        ),
        **values,
    )


def member(n: int, workshop: str = "b", **fields) -> dict:
    return {
        "name": f"Medarbejder {n}",
        "email": f"medarbejder{n}@kommune.example",
        "answers": {"workshop": workshop},
        **fields,
    }


def approved(registration):
    application_manager_confirm(registration=registration)
    return application_approve(registration=registration)
