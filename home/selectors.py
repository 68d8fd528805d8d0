"""Reads of the page tree and vocabulary that more than one caller needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Max, Q, QuerySet

from home.models import ContentChange, Partner


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


def default_site_url_path() -> str | None:
    """The default site's root ``url_path``, from Wagtail's own cache of site root paths
    (cleared by Wagtail whenever a site or a root page changes): no query when warm."""
    from wagtail.models import Site

    roots = Site.get_site_root_paths()
    if len(roots) == 1:
        return roots[0].root_path
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else None


def not_restricted_q() -> Q:
    """No view restriction on the page or any ancestor, as one NOT EXISTS in the same query
    (Wagtail's ``.public()`` reads every restriction first: one query more per list)."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Length, Substr
    from wagtail.models import PageViewRestriction

    restricted_ancestor = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return ~Exists(restricted_ancestor)


def public_pages(queryset):
    """Only live, public, non-expired pages of the default site ever leave the admin."""
    root = default_site_url_path()
    if root is None:
        return queryset.none()
    return queryset.live().filter(not_restricted_q(), expired=False, url_path__startswith=root)


_public = public_pages


def knowledge_list_public():
    from home.models import KnowledgePage

    return (
        _public(KnowledgePage.objects.all())
        .select_related("partner")
        .prefetch_related("topics", "audiences", "documents__document")
        .order_by("-year", "-first_published_at", "pk")
    )


def page_list_public():
    from wagtail.models import Page

    from home.models import ContentPage, HomePage

    return _public(Page.objects.type(ContentPage, HomePage)).specific().order_by("path")


def knowledge_list_with_events(queryset):
    """Attach the public events that present each knowledge item as ``public_events``."""
    from django.db.models import Prefetch

    from events.selectors import event_list_public

    events = event_list_public().select_related(None).prefetch_related(None).only("id", "title")
    return queryset.prefetch_related(Prefetch("events", queryset=events, to_attr="public_events"))


def partners_of_user(user) -> QuerySet[Partner]:
    """The partners whose work a user may see in the admin.

    Superusers and the coordinators see every partner; anyone else the partners whose editors or
    moderators group they belong to.
    """
    from home.services import COORDINATORS_GROUP

    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists():
        return Partner.objects.all()
    groups = user.groups.all()
    return Partner.objects.filter(
        Q(editors_group__in=groups) | Q(moderators_group__in=groups)
    ).distinct()


def user_is_coordinator(user) -> bool:
    from home.services import COORDINATORS_GROUP

    return user.is_active and (
        user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()
    )
