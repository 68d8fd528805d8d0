"""Helpers for registration tests: sign-ups as the API makes them, and the emails they wrote."""

from __future__ import annotations

import itertools
import json

import pytest

from events.models import OutboundEmail
from events.registrations.signups import registration_create
from home.demo import vocabulary_seed
from home.models import Audience, Municipality

_numbers = itertools.count(1)


@pytest.fixture
def vocabulary(centre):
    vocabulary_seed()


def sign_up(event, *, email: str | None = None, **fields):
    """``registration_create`` with a plausible person; returns the SignUp outcome."""
    number = next(_numbers)
    values = {
        "event_id": event.pk,
        "name": f"Deltager {number}",
        "email": email or f"deltager{number}@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": Municipality.objects.get(code="0101"),
        "job_role": Audience.objects.get(slug="sagsbehandlere"),
        "consent": True,
    }
    values.update(fields)
    return registration_create(**values)


def sign_up_body(email: str = "anna@kommune.example", **fields) -> bytes:
    """The JSON body of a sign-up through the API (``POST /api/v1/events/<id>/registrations/``)
    with a plausible person; ``fields`` add or replace fields."""
    return json.dumps(
        {
            "name": "Anna Andersen",
            "email": email,
            "workplace": "Familieafdelingen",
            "municipality": "0101",
            "job_role": "sagsbehandlere",
            "consent": True,
            **fields,
        }
    ).encode()


def apply_group(event, *, participants: int = 5, **fields):
    return sign_up(
        event,
        participants=participants,
        unit="Børne- og familieafdelingen",
        manager_name="Lene Leder",
        manager_email=f"leder{next(_numbers)}@kommune.example",
        **fields,
    )


def emails_to(address: str) -> list[str]:
    return list(
        OutboundEmail.objects.filter(to=address).order_by("pk").values_list("kind", flat=True)
    )
