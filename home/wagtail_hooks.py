"""The centre's vocabulary in the admin, as snippets under one menu: "Ordforråd"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.models import Audience, Municipality, Partner, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Emner")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Målgrupper")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


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
