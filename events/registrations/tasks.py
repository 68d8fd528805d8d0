"""django-q2 tasks of registrations. Thin and idempotent: the logic is a service."""

from __future__ import annotations

from events.registrations.offers import offers_expire


def offers_expire_due() -> int:
    """Every minute: offers past their deadline expire and pass on to the next."""
    return offers_expire()
