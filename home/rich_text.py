"""Rich text links on the system's own HTML pages reach only live, public pages.

Wagtail's page link handler gives any linked page its URL, drafts and view-restricted pages
included. ``PublicPageLinkHandler`` replaces it under the same link type (``home/wagtail_hooks.py``
registers it after Wagtail's core features), so ``expand_db_html`` and ``|richtext`` give an
``href`` only to a page the API would serve (``home.selectors.public_pages``); any other link
keeps its text without one, as in the API (``api/blocks.py``, which looks the pages of a whole
response up at once). The editor is not affected: Draftail reads and writes links through its
own contentstate converter, not through link handlers.
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from home.selectors import public_pages


class PublicPageLinkHandler(PageLinkHandler):
    """``<a href>`` for a live, public page, ``<a>`` for any other; one query per rich text."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Page | None]:
        ids = {str(attrs.get("id", "")) for attrs in attrs_list}
        ids = {int(pk) for pk in ids if pk.isdigit()}
        public = public_pages(Page.objects.filter(pk__in=ids)) if ids else Page.objects.none()
        pages = {str(page.pk): page for page in public}
        return [pages.get(str(attrs.get("id", ""))) for attrs in attrs_list]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page.localized.url)}">' if page else "<a>"
            for page in cls.get_many(attrs_list)
        ]
