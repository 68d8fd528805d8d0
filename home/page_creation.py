"""A new page is created when the editor saves it, never by Wagtail's autosave.

Wagtail 8 autosaves the create form too: after a pause in typing it POSTs the form as JSON to
the create view, which adds the page (a draft, under the slug of the title typed so far), and
the browser then swaps the form for the edit form ("hydration"). A form left half-filled so
leaves a draft nobody knows of, and the editor's next new page with the same title fails with
"the slug is already in use"; a click on Save while that first autosave is under way posts the
create form a second time, with the same result. So the create form does not autosave: the
editor's own save creates the page and leads to the edit form, which autosaves as before.

``CentrePageViewSet`` is Wagtail's page viewset with this create view, registered for every
page type (``Page``) after Wagtail's own (``home/wagtail_hooks.py``).
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet


class CreateWithoutAutosaveView(CreateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        context.pop("autosave_indicator", None)
        return context


class CentrePageViewSet(PageViewSet):
    name = "centre_pages"
    add_view_class = CreateWithoutAutosaveView
