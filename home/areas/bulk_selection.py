"""Wagtail's own bulk actions (pages, images, documents): "select all in listing", fail-closed.

Wagtail's bulk-action script sends ``id=all`` with the whole query string of the listing it was
pressed in, but the actions apply only the folder (``childOf``) and the search (``q``) of it:
every other filter (page type, owner, date, tag, usage, …) is silently dropped, so "delete all
images tagged *gammel*" deletes every image of the collection. A folder that is unknown,
malformed or outside the user's area is worse (a 500, or the whole tree when it is missing).
Here any of these is a Danish error page (400) with no button, and nothing is loaded or done, on
GET and on POST. Choosing items one by one is unaffected.
"""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

# What the listing's URL carries that the action applies, or that does not select.
APPLIED_PARAMETERS = frozenset({"id", "next", "childOf", "q", "p", "ordering"})


class SelectAllGuard:
    """Mixin for a Wagtail ``BulkAction``: refuse ``id=all`` unless every filter applies."""

    # The listing's filter that names the same folder as ``childOf`` (images' collection).
    folder_filter: str | None = None
    # Whether "select all" without a folder and a search would mean everything there is.
    folder_required = False

    def folder_visible(self, pk: int) -> bool:
        raise NotImplementedError

    def select_all_errors(self) -> list[str]:
        query = self.request.GET
        if "all" not in query.getlist("id"):
            return []
        errors = []
        folders = query.getlist("childOf")
        folder = folders[0] if len(folders) == 1 else None
        for name in sorted(query):
            values = [value for value in query.getlist(name) if value.strip()]
            if name in APPLIED_PARAMETERS or not values:
                continue
            if name == self.folder_filter and values == [folder]:
                continue
            errors.append(
                _(
                    "Filteret „%(filter)s“ kan ikke bruges, når alle i listen er valgt. "
                    "Vælg dem enkeltvis, eller fjern filteret."
                )
                % {"filter": name}
            )
        if len(folders) > 1:
            errors.append(_("Der er angivet mere end én mappe."))
        elif folder is None:
            if self.folder_required and not query.get("q", "").strip():
                errors.append(_("Det fremgår ikke, hvilken mappe der er valgt alt i."))
        elif not (folder.isascii() and folder.isdigit()) or not self.folder_visible(int(folder)):
            errors.append(_("Mappen findes ikke, eller du har ikke adgang til den."))
        return errors

    def dispatch(self, request, *args, **kwargs):
        if errors := self.select_all_errors():
            return TemplateResponse(
                request,
                "home/admin/select_all_refused.html",
                {"page_title": self.display_name, "errors": errors, "next": self.next_url},
                status=400,
            )
        return super().dispatch(request, *args, **kwargs)


class PageSelectAllGuard(SelectAllGuard):
    folder_required = True

    def folder_visible(self, pk: int) -> bool:
        explorable = PagePermissionPolicy().explorable_instances(self.request.user)
        return explorable.filter(pk=pk).exists() and Page.objects.filter(pk=pk).exists()


class MediaSelectAllGuard(SelectAllGuard):
    folder_filter = "collection_id"

    def folder_visible(self, pk: int) -> bool:
        policy = policy_registry.get_by_type(self.model)
        collections = policy.collections_user_has_any_permission_for(
            self.request.user, ["add", "change"]
        )
        return collections.filter(pk=pk).exists()
