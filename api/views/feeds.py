"""The iCal feeds: the events API's selections as subscribable calendars.

Transport only: the events come from ``events.selectors`` through the API's own ``EventFilter``
(so every API selection has its calendar), the calendar from ``events.ical``. Conditional GET,
ETag and the shared cache are ``api.caching``'s, as for the API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from api.filters import EventFilter
from events import ical
from events.ical.selectors import events_for_calendar
from events.models import EventPage
from events.selectors import event_get_public, event_list_public
from home.budget import budget_check

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _calendar_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed_window_start():
    """Events that ended before this have left the feed. Whole hours, so the same content
    gives the same bytes all hour (the feeds' cache bucket is an hour too)."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return now - timedelta(days=settings.FEED_PAST_DAYS)


def _feed_name(data: dict) -> str:
    return ical.feed_name(
        partners=[p.short_name or p.name for p in data.get("partner") or []],
        types=data.get("type") or [],
        topics=[t.name for t in data.get("topic") or []],
        audiences=[a.name for a in data.get("audience") or []],
        formats=data.get("format") or [],
        statuses=data.get("status") or [],
        q=data.get("q") or "",
    )


# Each event's VEVENT bytes, for the content version they were written under (this process's
# memo; the version is read from the database for every request, so it is right on every
# machine). A cold filtered feed then writes only the events no earlier feed has written.
_fragments: dict[int, dict[int, Any]] = {}
_fragments_lock = threading.Lock()


def _fragments_of(request: HttpRequest) -> dict[int, Any] | None:
    version = getattr(request, "content_version", None)
    if version is None:
        return None
    with _fragments_lock:
        memo = _fragments.get(version)
        if memo is None:
            _fragments.clear()  # an earlier version's bytes are never read again
            memo = _fragments[version] = {}
        return memo


def fragments_forget() -> None:
    """For tests, whose rolled-back transactions repeat content versions."""
    with _fragments_lock:
        _fragments.clear()


def _within_budget(events: Iterable[Any]) -> Iterator[Any]:
    """The events, checking the request's time before each (the writer stays a pure
    function): a feed of thousands of events ends with a 503 once its budget is spent."""
    for event in events:
        budget_check()
        yield event


def _errors_text(errors: Mapping[str, Any] | list[Any]) -> str:
    """One line per message, named by its parameter; messages that name none (a list) go
    under ``non_field_errors``, as in the API's errors (``api.errors``)."""
    lines = ["Ugyldig forespørgsel:"]
    named = errors.items() if isinstance(errors, Mapping) else [("non_field_errors", errors)]
    for name, messages in named:
        for message in messages if isinstance(messages, list) else [messages]:
            lines.append(f"{name}: {message}")
    return "\n".join(lines)


@require_safe
def events_feed(request: HttpRequest) -> HttpResponse:
    """``/feeds/events.ics``: upcoming events and those that ended in the last FEED_PAST_DAYS."""
    queryset = event_list_public().filter(last_end__gte=feed_window_start())
    filterset = EventFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return _plain(_errors_text(filterset.errors), 400)
    try:
        # Filters that check their value as they filter raise DRF's ValidationError here.
        events = events_for_calendar(filterset.qs)
    except ValidationError as exc:
        return _plain(_errors_text(exc.detail), 400)
    content = ical.calendar_bytes(
        _within_budget(events),
        name=_feed_name(filterset.form.cleaned_data),
        fragments=_fragments_of(request),
    )
    return _calendar_response(content, filename="videnscenter.ics")


@require_safe
def event_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """``/feeds/events/<id>.ics``: one event, all its sessions."""
    try:
        event = event_get_public(pk=pk)
    except EventPage.DoesNotExist:
        return _plain("Arrangementet findes ikke eller er ikke offentliggjort.", 404)
    content = ical.calendar_bytes([event], name=event.title)
    return _calendar_response(content, filename=f"arrangement-{event.pk}.ics")


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any path under /feeds/ that names no calendar."""
    return _plain("Kalenderen findes ikke.", 404)
