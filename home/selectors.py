"""Reads of the page tree that the API needs: the version of public content, knowledge items and
content pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Max

from home.models.changes import ContentChange
from home.models.pages import ContentPage, HomePage, KnowledgePage
from home.visibility import public_pages

if TYPE_CHECKING:
    from wagtail.query import PageQuerySet


@dataclass(frozen=True)
class ContentState:
    version: int
    last_modified: datetime


def content_state() -> ContentState:
    """The version of everything public: one indexed aggregate, cheap enough for every GET."""
    row = ContentChange.objects.aggregate(version=Max("id"), last_modified=Max("changed_at"))
    return ContentState(
        version=row["version"] or 0,
        last_modified=row["last_modified"] or datetime(2021, 1, 1, tzinfo=UTC),
    )


def knowledge_list_public() -> PageQuerySet:
    return (
        public_pages(KnowledgePage.objects.all())
        .select_related("partner")
        .prefetch_related("topics", "audiences", "documents__document")
        .order_by("-year", "-first_published_at", "pk")
    )


def page_list_public() -> PageQuerySet:
    from wagtail.models import Page

    return public_pages(Page.objects.type(ContentPage, HomePage)).specific().order_by("path")
