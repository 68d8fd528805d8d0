"""The hosted Danish events page, for partners with no page of their own hosting the widget:
the widget on a plain page, with a link list for browsers without JavaScript."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from api.widget.assets import widget_loader_url
from events.selectors import event_is_public


@require_safe
def events_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/widget/events_page.html",
        {"loader_url": widget_loader_url(), "event_id": None},
    )


@require_safe
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not event_is_public(pk=pk):
        raise Http404
    return render(
        request,
        "api/widget/events_page.html",
        {"loader_url": widget_loader_url(), "event_id": pk},
    )
