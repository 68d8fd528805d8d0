"""Parsing of query parameters shared by the API and the feeds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware
from django.utils.translation import gettext_lazy as _

from api.errors import ParameterError

# ``q``: longer is no search a person types (and each word is one more term in the query).
SEARCH_MAX_LENGTH = 200
_WORD = re.compile(r"\w+")


def search_words(raw: str) -> list[str]:
    """The words of a search (letters and digits, æ, ø and å included), without the quotes,
    operators and punctuation that the search backends would read as query syntax."""
    return _WORD.findall(raw)


def parse_datetime_value(name: str, raw: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or datetime; a date means the start of that day in Copenhagen time
    (or the start of the next day with ``end_of_day``); a naive datetime is Copenhagen time.

    The moment is returned in UTC: Python accepts offsets up to ±23:59, PostgreSQL only
    ±15:59, and an offset is no part of the moment anyway."""
    invalid = ParameterError(
        name, _("%(name)s skal være en ISO 8601-dato eller -tidspunkt.") % {"name": name}
    )
    raw = raw.strip()
    try:
        value = parse_datetime(raw)
        day = None if value else parse_date(raw)
    except ValueError:
        value = day = None
    try:
        if value is None:
            if day is None:
                raise invalid
            value = datetime.combine(day, time.min)
            if end_of_day:
                value += timedelta(days=1)
        if is_naive(value):
            value = make_aware(value, get_current_timezone())
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise invalid from None  # at the very ends of the calendar (years 1 and 9999)


def parse_datetime_param(name: str, params, **kwargs) -> datetime:
    return parse_datetime_value(name, params.get(name, ""), **kwargs)


def is_number(raw: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²" and "١", which ``int`` then refuses."""
    return raw.isascii() and raw.isdigit()
