"""What is public: live, unexpired pages of the default site with no view restriction on them
or an ancestor. Only such pages ever leave the admin (API, feeds, links, emails)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
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


# The content version of the answer being built (api/caching.py sets it around the view): the
# restricted paths are then read once per version and process. A restriction that hides a
# live page records a change (home/signal_handlers.py), so a new version comes with any
# restriction that matters; one that hides nothing live changes nothing public. The version is
# read from the database for every request, so a memo per process is right on every machine,
# as the HTTP cache's own memo is (api/caching.py). Outside such a build (tasks, the admin),
# the paths are read from the database every time.
_content_version: ContextVar[int | None] = ContextVar("visibility_content_version", default=None)
_restricted_by_version: dict[int, list[str]] = {}
_memo_lock = threading.Lock()
MEMO_VERSIONS = 8


@contextmanager
def content_version_known(version: int) -> Iterator[None]:
    token = _content_version.set(version)
    try:
        yield
    finally:
        _content_version.reset(token)


def _restricted_paths_read() -> list[str]:
    from wagtail.models import PageViewRestriction

    return sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True)))


def restricted_paths() -> list[str]:
    """The paths of the pages that carry a view restriction (few; usually none)."""
    version = _content_version.get()
    if version is None:
        return _restricted_paths_read()
    with _memo_lock:
        paths = _restricted_by_version.get(version)
    if paths is None:
        paths = _restricted_paths_read()
        with _memo_lock:
            if len(_restricted_by_version) >= MEMO_VERSIONS:
                _restricted_by_version.pop(min(_restricted_by_version))
            _restricted_by_version[version] = paths
    return paths


def restricted_paths_forget() -> None:
    """For tests, whose rolled-back transactions repeat content versions."""
    with _memo_lock:
        _restricted_by_version.clear()


def not_restricted_q() -> Q:
    """No view restriction on the page or any ancestor: the restricted pages' paths excluded
    as path prefixes, which PostgreSQL answers from the path index.

    Not one correlated NOT EXISTS in the same query: PostgreSQL planned that as a scan of
    every page for every candidate row (0.7 s for a cold filtered list of 2,000 events,
    issue 20), whatever the number of restrictions."""
    condition = Q()
    for path in restricted_paths():
        condition &= ~Q(path__startswith=path)
    return condition


def public_pages(queryset: PageQuerySet) -> PageQuerySet:
    """Only live, public, non-expired pages of the default site ever leave the admin."""
    root = default_site_url_path()
    if root is None:
        return queryset.none()
    return queryset.live().filter(not_restricted_q(), expired=False, url_path__startswith=root)
