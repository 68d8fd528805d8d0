"""The centre's vocabulary in the admin, as snippets under one menu: "Ordforråd"; and what a
partner's people see of other partners' pages and media (``home/areas/scoping.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.rich_text.converters.contentstate import link_entity
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    ExternalLinkElementHandler,
)
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.areas import scoping as admin_scoping
from home.areas.rich_text_editor import ScopedPageLinkElementHandler
from home.models.vocabulary import Audience, Municipality, Partner, Topic
from home.page_creation import CentrePageViewSet
from home.rich_text import PublicPageLinkHandler


class VocabularyTermViewSet(SnippetViewSet):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class TopicViewSet(VocabularyTermViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Emner")


class AudienceViewSet(VocabularyTermViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Målgrupper")


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    icon = "site"
    menu_label = _("Kommuner")
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    ordering = ["name"]


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "globe"
    menu_label = _("Partnere")
    list_display = ["name", "short_name", "slug", "website"]
    ordering = ["name"]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Ordforråd")
    menu_icon = "list-ul"
    menu_order = 250
    items = (TopicViewSet, AudienceViewSet, MunicipalityViewSet, PartnerViewSet)


register_snippet(VocabularyGroup)


hooks.register("construct_page_chooser_queryset", admin_scoping.chooser_queryset)
hooks.register("construct_explorer_page_queryset", admin_scoping.explorer_queryset)
# Registered after Wagtail's own (order 0), which they replace under the same names.
hooks.register("construct_admin_api", admin_scoping.admin_api_endpoints, order=100)
for _action in admin_scoping.BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)


@hooks.register("register_rich_text_features", order=100)
def register_public_page_links(features):
    """After Wagtail's core features (order 0), whose page link handler this one replaces."""
    features.register_link_type(PublicPageLinkHandler)
    # The editor's reading of links (Wagtail's rule, but for the page link handler): a page the
    # viewer may not see keeps its id, never its URL.
    features.register_converter_rule(
        "contentstate",
        "link",
        {
            "from_database_format": {
                "a[href]": ExternalLinkElementHandler("LINK"),
                'a[linktype="page"]': ScopedPageLinkElementHandler("LINK"),
            },
            "to_database_format": {"entity_decorators": {"LINK": link_entity}},
        },
    )


@hooks.register("register_admin_viewset", order=100)
def register_page_viewset():
    """After Wagtail's own page viewset (order 0), which it replaces for every page type: new
    pages are created by the editor's save, not by autosave (``home/page_creation.py``)."""
    return CentrePageViewSet(model=Page)
