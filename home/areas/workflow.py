"""Wagtail's moderation views for one page (act on a task, collect an action's data, confirm a
cancellation, preview a task's revision), answered only for pages in the user's area.

Wagtail looks these pages up by id before any permission check: given another partner's page,
they said whether it is in moderation and at which task, and the "not awaiting moderation"
message named it by its newest draft title. Outside the area they are now a 404, as the
explorer is; inside it Wagtail's own view runs unchanged. Replaced at Wagtail's own URLs
(``home/areas/urls.py``), since Wagtail has no hook for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.viewsets.pages import page_viewset_registry

from home.areas.rules import pages_in_area


def _in_area_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def answer(request: HttpRequest, *args, page_id: int, **kwargs) -> HttpResponse:
        if not pages_in_area(request.user).filter(pk=page_id).exists():
            raise Http404
        return view(request, *args, page_id=page_id, **kwargs)

    return require_admin_access(answer)


def _wagtails(name: str) -> Callable[..., HttpResponse]:
    return _in_area_only(page_viewset_registry.as_view(name, page_id_kwarg="page_id"))


urlpatterns = [
    path(
        "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        _wagtails("workflow_action"),
    ),
    path(
        "pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        _wagtails("collect_workflow_action_data"),
    ),
    path(
        "pages/workflow/confirm_cancellation/<int:page_id>/",
        _wagtails("confirm_workflow_cancellation"),
    ),
    path("pages/workflow/preview/<int:page_id>/<int:task_id>/", _wagtails("workflow_preview")),
]
