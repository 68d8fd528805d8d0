"""What a partner's people see of other partners' work in Wagtail's own admin views.

Wagtail scopes editing by page and collection permissions, but several of its listing, choosing
and confirming views read the whole tree or every image: the page chooser, the page-types usage
report, the bulk-action confirmations and the admin API's image and document endpoints. Here
each is narrowed to one rule: inside their area (the pages and collections their groups hold
permissions on) people see everything, drafts included; elsewhere only live, public pages, by
their live title, and no image or document at all.

Hooks connect what Wagtail lets a hook change (``home/wagtail_hooks.py``); the views it gives no
hook for are replaced by subclasses at the same URLs (``urlpatterns``, included in
``cms/urls.py`` ahead of Wagtail's admin).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import path, reverse
from rest_framework.authentication import SessionAuthentication
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.bulk_actions import (
    AddTagsBulkAction as DocumentAddTagsBulkAction,
)
from wagtail.documents.views.bulk_actions import (
    AddToCollectionBulkAction as DocumentAddToCollectionBulkAction,
)
from wagtail.documents.views.bulk_actions import DeleteBulkAction as DocumentDeleteBulkAction
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.bulk_actions import AddTagsBulkAction as ImageAddTagsBulkAction
from wagtail.images.views.bulk_actions import (
    AddToCollectionBulkAction as ImageAddToCollectionBulkAction,
)
from wagtail.images.views.bulk_actions import DeleteBulkAction as ImageDeleteBulkAction
from wagtail.models import Page

from home.areas.bulk_selection import MediaSelectAllGuard, PageSelectAllGuard
from home.areas.rules import (
    chooser_pages_q,
    media_in_area,
    page_policy,
    page_title_for,
    pages_in_area,
)


def chooser_queryset(pages: QuerySet[Page], request) -> QuerySet[Page]:
    """``construct_page_chooser_queryset``: the chooser's pages, and the page it browses."""
    if request.user.is_superuser:
        return pages
    visible = chooser_pages_q(request.user)
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None and not Page.objects.filter(visible, pk=parent_id).exists():
        raise Http404
    # One ``pk IN (…)`` keeps the queryset searchable: the search backends filter only on
    # indexed fields, and the page id is one.
    return pages.filter(pk__in=Page.objects.filter(visible).values("pk"))


def explorer_queryset(parent_page: Page, pages: QuerySet[Page], request) -> QuerySet[Page]:
    """``construct_explorer_page_queryset``: Wagtail lists only explorable children, but shows
    any page's own title as the listing's heading, so the explorer opens only explorable pages
    (the way down to the user's area and the area itself)."""
    if request.user.is_superuser or parent_page.is_root():
        return pages
    if not page_policy.explorable_instances(request.user).filter(pk=parent_page.pk).exists():
        raise PermissionDenied
    return pages


# --- bulk actions ----------------------------------------------------------------------------


class AreaScopedBulkAction:
    """Ids outside the user's area are dropped before Wagtail sorts the rest into the ones the
    user may act on and the ones they may not: the confirmation never names another partner's
    object, and the action never touches it. Only unknown or foreign ids: 404.

    It narrows the ids where Wagtail loads them (``get_queryset``), so each action's own
    ``get_actionable_objects`` (the move's destination checks) still runs on what is left.
    """

    def scope(self) -> QuerySet:
        raise NotImplementedError

    def get_all_objects_in_listing_query(self, parent_id):
        try:
            return super().get_all_objects_in_listing_query(parent_id)
        except (ObjectDoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error

    def get_queryset(self, model, object_ids):
        try:
            visible = list(self.scope().filter(pk__in=object_ids).values_list("pk", flat=True))
        except (ValueError, TypeError) as error:
            raise Http404 from error
        return super().get_queryset(model, visible)


class PageScope(PageSelectAllGuard, AreaScopedBulkAction):
    def scope(self) -> QuerySet:
        return pages_in_area(self.request.user)


class MediaScope(MediaSelectAllGuard, AreaScopedBulkAction):
    def scope(self) -> QuerySet:
        return media_in_area(self.request.user, self.model)


def _scoped(scope: type, action: type) -> type:
    return type(action.__name__, (scope, action), {"__module__": __name__})


BULK_ACTIONS = [
    *(
        _scoped(PageScope, action)
        for action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction)
    ),
    *(
        _scoped(MediaScope, action)
        for action in (
            ImageDeleteBulkAction,
            ImageAddToCollectionBulkAction,
            ImageAddTagsBulkAction,
            DocumentDeleteBulkAction,
            DocumentAddToCollectionBulkAction,
            DocumentAddTagsBulkAction,
        )
    ),
]


# --- the admin API's images and documents (the sidebar, the rich-text editor) ----------------


class MediaAreaAPIMixin:
    # The admin's session user, as Wagtail's admin pages endpoint has it; these endpoints
    # inherit the public API's authentication (none), which knows no user.
    authentication_classes = [SessionAuthentication]

    def get_queryset(self):
        area = media_in_area(self.request.user, self.model).values("pk")
        return super().get_queryset().filter(pk__in=area)


class ScopedImagesAdminAPIViewSet(MediaAreaAPIMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAdminAPIViewSet(MediaAreaAPIMixin, DocumentsAdminAPIViewSet):
    pass


def admin_api_endpoints(router) -> None:
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


# --- views Wagtail gives no hook for ----------------------------------------------------------


class ScopedPageTypesUsageReportView(PageTypesUsageReportView):
    """Counts and "last edited" only over the user's own area."""

    def get_queryset(self):
        queryset = super().get_queryset()
        language_code = self.filters.form.cleaned_data.get("page_locale")
        site_root_path = self.filters.form.cleaned_data.get("site")
        area = pages_in_area(self.request.user)
        if language_code:
            area = area.filter(locale__language_code=language_code)
        if site_root_path:
            area = area.filter(path__startswith=site_root_path)
        latest = area.filter(content_type=OuterRef("pk")).order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        return queryset.annotate(
            count=Count("pages", filter=Q(pages__in=area.values("pk")), distinct=True),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        ).order_by("-count", "app_label", "model")


class ScopedChosenMultipleView(ChosenMultipleView):
    """The chooser's "choose these" answer, for the pages the chooser may offer, by the title
    the user may see."""

    def get(self, request):
        try:
            pages = (
                Page.objects.filter(chooser_pages_q(request.user))
                .filter(pk__in=request.GET.getlist("id"))
                .specific()
            )
            pages = list(pages)
        except (ValueError, TypeError) as error:
            raise Http404 from error
        result = [
            {
                "id": page.pk,
                "parentId": page.get_parent().pk,
                "adminTitle": page_title_for(request.user, page),
                "editUrl": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                "url": page.url,
            }
            for page in pages
        ]
        return self.render_chosen_response(result)


_report = ScopedPageTypesUsageReportView
urlpatterns = [
    path(
        "reports/page-types-usage/",
        require_admin_access(_report.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        require_admin_access(_report.as_view(results_only=True)),
    ),
    path(
        "choose-page/chosen-multiple/",
        require_admin_access(ScopedChosenMultipleView.as_view()),
    ),
]
