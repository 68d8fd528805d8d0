"""What is public: live, unexpired pages of the default site with no view restriction on them
or an ancestor. Only such pages ever leave the admin (API, feeds, links, emails)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Expression
    from wagtail.query import PageQuerySet


def default_site_url_path() -> str | None:
    """The default site's root ``url_path``, from Wagtail's own cache of site root paths
    (cleared by Wagtail whenever a site or a root page changes): no query when warm."""
    from wagtail.models import Site

    roots = Site.get_site_root_paths()
    if len(roots) == 1:
        return roots[0].root_path
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else None


def not_restricted_q() -> Expression:
    """No view restriction on the page or any ancestor, as one NOT EXISTS in the same query
    (Wagtail's ``.public()`` reads every restriction first: one query more per list)."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Length, Substr
    from wagtail.models import PageViewRestriction

    restricted_ancestor = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return ~Exists(restricted_ancestor)


def public_pages(queryset: PageQuerySet) -> PageQuerySet:
    """Only live, public, non-expired pages of the default site ever leave the admin."""
    root = default_site_url_path()
    if root is None:
        return queryset.none()
    return queryset.live().filter(not_restricted_q(), expired=False, url_path__startswith=root)
