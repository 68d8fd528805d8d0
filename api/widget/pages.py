"""The hosted Danish events page, for partners with no page of their own hosting the widget:
the widget on a plain page, with what a browser without JavaScript shows in it.

``/arrangementer/`` passes the events API's filters in its query on to the element
(``api.widget.attributes``); without JavaScript it lists the events they select, each linking
its own page. ``/arrangementer/<id>/`` opens one public event (``event="<id>"``), with its title
as the page's, and without JavaScript its dates, its calendar file and the way to the list.
Emails, feeds and calendar files link here when a partner's ``event_url_template`` is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from api.filters import EventFilter
from api.widget.attributes import widget_attributes
from events.mail.compose import format_when
from events.models import EventPage, EventStatus
from events.selectors import event_get_public, event_list_public

TEMPLATE = "api/widget/events_page.html"
# What the list shows without JavaScript; the widget pages through the rest.
FALLBACK_LIMIT = 50
# A canonical address names a selection, not a search or a moment: these filters stay in it.
CANONICAL_FILTERS = ("partner", "type", "topic", "audience", "format", "status")


@dataclass(frozen=True)
class SessionLine:
    label: str
    when: str
    where: str
    cancelled: bool


def _loader_url() -> str:
    # This page's own origin, not BASE_URL: its policy allows scripts from 'self' only, and a
    # request through another host name (a proxy's) must still load the widget.
    return reverse("widget:loader")


def _fallback_events(attributes: list[tuple[str, str]]) -> tuple[list[EventPage], bool]:
    """The events the element's filters select, as the widget lists them: what is still on
    unless the filters say from when."""
    data = dict(attributes)
    if "starts_after" not in data and "ends_after" not in data:
        data["ends_after"] = timezone.now().isoformat()
    filterset = EventFilter(QueryDict(urlencode(data)), queryset=event_list_public())
    events = list(filterset.qs[: FALLBACK_LIMIT + 1])
    return events[:FALLBACK_LIMIT], len(events) > FALLBACK_LIMIT


@require_safe
def events_page(request: HttpRequest) -> HttpResponse:
    """``/arrangementer/``: the widget with the filters of the query that it may use."""
    attributes = widget_attributes(request.GET)
    filters = [(name, value) for name, value in attributes if name != "view"]
    canonical = [(name, value) for name, value in filters if name in CANONICAL_FILTERS]
    path = reverse("events_page:list")
    events, more = _fallback_events(filters)
    return render(
        request,
        TEMPLATE,
        {
            "loader_url": _loader_url(),
            "attributes": attributes,
            "canonical_url": settings.BASE_URL
            + path
            + (f"?{urlencode(canonical)}" if canonical else ""),
            "feed_url": reverse("feeds:events") + (f"?{urlencode(filters)}" if filters else ""),
            "events": events,
            "more": more,
        },
    )


@require_safe
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    """``/arrangementer/<id>/``: the widget opening one public event; else the Danish 404."""
    try:
        event = event_get_public(pk=pk)
    except EventPage.DoesNotExist:
        raise Http404 from None
    sessions = [
        SessionLine(
            label=session.title,
            when=format_when(session),
            where=session.effective_location(event),
            cancelled=str(session.effective_status(event)) == EventStatus.CANCELLED,
        )
        for session in event.sessions.all()
    ]
    return render(
        request,
        TEMPLATE,
        {
            "loader_url": _loader_url(),
            # "Tilbage til arrangementerne" leaves this event's page for the list's.
            "attributes": [("event", str(event.pk)), ("back-url", reverse("events_page:list"))],
            "canonical_url": settings.BASE_URL + reverse("events_page:detail", args=[event.pk]),
            "event": event,
            "sessions": sessions,
            "event_feed_url": reverse("feeds:event", args=[event.pk]),
            "list_url": reverse("events_page:list"),
        },
    )
