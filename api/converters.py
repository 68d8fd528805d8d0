"""The one rule for an id in a path: a positive 32-bit whole number, written in ASCII digits.

Wagtail's page ids and the vocabulary's keys are 32-bit: a larger id names nothing and must not
reach the database (lookups through the page pointer are not range-checked: SQLite overflows,
PostgreSQL errs). Such a path matches no route and gets the catch-all's 404 (``api/urls.py``,
``api/feed_urls.py``); the schema states the range (``api/schema.py``).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**31 - 1


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # Django takes it as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
