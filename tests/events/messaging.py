"""Helpers for the tests of messages to registrants: many registrations at once, and a form as
the compose page posts it."""

from __future__ import annotations

import uuid

from django.utils import timezone

from events.models import Registration
from home.models import Municipality


def many_registrations(event, count: int, *, status: str = "confirmed") -> list[Registration]:
    """``count`` registrations written at once (a sign-up each would take minutes)."""
    municipality = Municipality.objects.get(code="0101")
    now = timezone.now()
    return Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                name=f"Deltager {i}",
                email=f"deltager{i}@kommune.example",
                workplace="Familieafdelingen",
                municipality=municipality,
                consent_at=now,
                privacy_version="test",
                status=status,
            )
            for i in range(count)
        ],
        batch_size=500,
    )


def form(**fields) -> dict:
    data = {
        "audience": "confirmed",
        "session": "",
        "subject": "Praktisk om {arrangement}",
        "body": "Kære {navn}\n\nHusk at tage jeres sager med.",
        "key": str(uuid.uuid4()),
        "step": "preview",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}
