"""Reads of the page tree that the API needs: the version of public content, knowledge items and
content pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Model

from home.database import aware_from_db, statements_run
from home.models.changes import ContentChange
from home.models.pages import ContentPage, HomePage, KnowledgePage
from home.version_memo import VersionMemo
from home.visibility import public_pages

if TYPE_CHECKING:
    from wagtail.query import PageQuerySet


@dataclass(frozen=True)
class ContentState:
    version: int
    last_modified: datetime


# Every GET to the API and the feeds reads it, a 304 nothing else from the database: the SQL is
# written out once, because compiling the ORM's aggregate cost more CPU than the query (0.4 ms a
# request). Both columns are indexed (the id as the key, ``changed_at`` with ``db_index``).
_CONTENT_STATE_SQL = "SELECT MAX({id}), MAX({changed_at}) FROM {table}"


def content_state() -> ContentState:
    """The version of everything public: one indexed aggregate, cheap enough for every GET."""
    with connection.cursor() as cursor:
        cursor.execute(_content_state_sql())
        return _content_state_of(cursor.fetchone())


def _content_state_sql() -> str:
    quote = connection.ops.quote_name
    return _CONTENT_STATE_SQL.format(
        id=quote("id"), changed_at=quote("changed_at"), table=quote(ContentChange._meta.db_table)
    )


def _content_state_of(row: tuple) -> ContentState:
    version, last_modified = row
    return ContentState(
        version=version or 0,
        last_modified=aware_from_db(last_modified) or datetime(2021, 1, 1, tzinfo=UTC),
    )


# The default site's root, as ``home.visibility.default_site_url_path`` finds it (the one site's,
# if there is one; else the default site's), read from the tables rather than from Wagtail's
# cached site roots, which are a round trip to the shared cache of their own.
_SITE_ROOT_SQL = (
    "SELECT p.url_path FROM wagtailcore_site s "
    "INNER JOIN wagtailcore_page p ON (p.id = s.root_page_id) "
    "WHERE s.is_default_site OR (SELECT COUNT(*) FROM wagtailcore_site) = 1 "
    "ORDER BY s.is_default_site DESC LIMIT 1"
)


def content_state_and_site_root() -> tuple[ContentState, str | None]:
    """``content_state`` and the default site's root ``url_path`` in one round trip on
    PostgreSQL (``home.database.statements_run``): for a sign-up, whose form is kept per
    content version and default site (``events.selectors.sign_up_form``)."""
    state_rows, root_rows = statements_run(
        [(_content_state_sql(), []), (_SITE_ROOT_SQL, [])], prepared=True
    )
    return _content_state_of(state_rows[0]), root_rows[0][0] if root_rows else None


_vocabularies: VersionMemo[dict[str, Model]] = VersionMemo(size=16)


def vocabulary_by_code(model: type[Model], field: str, version: int) -> dict[str, Model]:
    """Every row of a vocabulary (municipalities, audiences: a hundred rows at most) by its code
    or slug, read once per content version in this process (``home.version_memo``; a vocabulary
    change moves the version). A sign-up looked two of them up with a query each."""

    def build() -> dict[str, Model]:
        return {getattr(row, field): row for row in model._default_manager.all()}

    return _vocabularies.get((model._meta.label, field), version, build)


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
