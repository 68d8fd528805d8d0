"""Rich text links on the system's own HTML pages reach only live, public pages.

Wagtail's page link handler gives any linked page its URL, drafts and view-restricted pages
included. ``PublicPageLinkHandler`` replaces it under the same link type (``home/wagtail_hooks.py``
registers it after Wagtail's core features), so ``expand_db_html`` and ``|richtext`` give an
``href`` only to a page the API would serve (``home.visibility.public_pages``); any other link
keeps its text without one, as in the API (``home.api_values.LinkTargets``, which looks the pages
of a whole response up at once). The editor's side of the same rule is in
``home/areas/rich_text_editor.py``.
"""

from __future__ import annotations

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from home.api_values import linked_page_id, public_page_link_tag
from home.visibility import public_pages


class PublicPageLinkHandler(PageLinkHandler):
    """``<a href>`` for a live, public page, ``<a>`` for any other; one query per rich text."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Page | None]:
        ids = [linked_page_id(attrs) for attrs in attrs_list]
        wanted = {pk for pk in ids if pk is not None}
        public = public_pages(Page.objects.filter(pk__in=wanted)) if wanted else []
        pages = {page.pk: page for page in public}
        return [pages.get(pk) for pk in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [public_page_link_tag(page) for page in cls.get_many(attrs_list)]
