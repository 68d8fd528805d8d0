"""The hosted page's query parameters as the widget's attributes, checked as the API checks them.

``/arrangementer/?partner=vive&type=webinar`` becomes ``<videnscenter-events partner="vive"
type="webinar">``. Only the events API's filters (the names of ``api.filters.EventFilter``) and
``view`` pass, each value against the same vocabulary, choices and date parsing as the API, so
the element never asks the API for something it would refuse. A value that does not pass is left
out: a link with a stale slug or a mistyped date still shows the events, only less narrowed, and
nothing else a visitor put in the address reaches the page (never ``api``, which would send the
widget's requests and sign-ups elsewhere). The template escapes what does pass.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db.models import Model
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from api.params import SEARCH_MAX_LENGTH, parse_datetime_value
from events.models import EventFormat, EventStatus, EventType
from home.models import Audience, Partner, Topic

CHOICES: dict[str, Iterable[str]] = {
    "type": EventType.values,
    "format": EventFormat.values,
    "status": EventStatus.values,
}
SLUGS: dict[str, type[Model]] = {"partner": Partner, "topic": Topic, "audience": Audience}
DATES = ("starts_after", "starts_before", "ends_after")
VIEWS = ("list", "calendar")
# The events API's filters a host page sets, in the order the element's attributes are written.
FILTERS = ("partner", "type", "topic", "audience", "format", "status", "q", *DATES)
# More values of one filter than any vocabulary has terms is no link a person was given.
MAX_VALUES = 50
MAX_DATE_LENGTH = 40


def _values(query: QueryDict, name: str) -> list[str]:
    """Repeated or comma-separated, as the API reads them; each once, in the order given."""
    parts = (part.strip() for raw in query.getlist(name) for part in raw.split(","))
    return list(dict.fromkeys(part for part in parts if part))[:MAX_VALUES]


def _known_slugs(model: type[Model], values: list[str]) -> list[str]:
    known = set(model._default_manager.filter(slug__in=values).values_list("slug", flat=True))
    return [value for value in values if value in known]


def _date(raw: str, name: str) -> str:
    raw = raw.strip()
    if not raw or len(raw) > MAX_DATE_LENGTH:
        return ""
    try:
        parse_datetime_value(name, raw)
    except ValidationError:
        return ""
    return raw


def _search(raw: str) -> str:
    """The visitor's words as typed, without control and other invisible characters (NUL
    included), which no search needs; too long for the API is left out."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in raw)
    text = " ".join(text.split())
    return text if len(text) <= SEARCH_MAX_LENGTH else ""


def widget_attributes(query: QueryDict) -> list[tuple[str, str]]:
    """The element's attributes from the page's query string: (name, value), valid values only."""
    attributes: list[tuple[str, str]] = []
    for name in FILTERS:
        if name not in query:
            continue
        if name in SLUGS:
            values = _known_slugs(SLUGS[name], _values(query, name))
        elif name in CHOICES:
            values = [v for v in _values(query, name) if v in CHOICES[name]]
        elif name == "q":
            values = [_search(query.get(name, ""))]
        else:
            values = [_date(query.get(name, ""), name)]
        value = ",".join(v for v in values if v)
        if value:
            attributes.append((name, value))
    view = query.get("view", "")
    if view in VIEWS:
        attributes.append(("view", view))
    return attributes
