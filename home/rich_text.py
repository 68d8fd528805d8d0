"""Rich text links on the system's own HTML pages reach only live, public pages.

Wagtail's page link handler gives any linked page its URL, drafts and view-restricted pages
included. ``PublicPageLinkHandler`` replaces it under the same link type (``home/wagtail_hooks.py``
registers it after Wagtail's core features), so ``expand_db_html`` and ``|richtext`` give an
``href`` only to a page the API would serve (``home.selectors.public_pages``); any other link
keeps its text without one, as in the API (``api/blocks.py``, which looks the pages of a whole
response up at once). Draftail reads links through its own contentstate converter, whose page
link handler gives the editor each linked page's URL and parent: ``ScopedPageLinkElementHandler``
replaces it (``home/wagtail_hooks.py``) and gives them only for a page the viewer may see (their
own area, or live and public elsewhere); any other link keeps just its id.
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail.admin.rich_text.converters.html_to_contentstate import PageLinkElementHandler
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from home import admin_titles
from home.selectors import public_pages


def linked_page_id(attrs: dict) -> int | None:
    """The page id of a rich-text ``<a linktype="page" id=…>``, or ``None`` for one that is no
    plain number ("²" passes ``str.isdigit`` but not ``int``)."""
    pk = str(attrs.get("id", ""))
    return int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None


def public_page_link_tag(page: Page | None) -> str:
    """The opening tag of a page link: an ``href`` only for a page found public."""
    return f'<a href="{escape(page.localized.url)}">' if page else "<a>"


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


def _viewer():
    """The user of the current admin request (``home.middleware``), or ``None``."""
    from home.admin_scoping import AdminTitles

    rule = admin_titles._rule.get()
    return rule.user if isinstance(rule, AdminTitles) else None


class ScopedPageLinkElementHandler(PageLinkElementHandler):
    """The editor's page link entity: URL and parent only for a page the viewer may see."""

    def get_attribute_data(self, attrs):
        from home.admin_scoping import visible_pages_q

        pk = linked_page_id(attrs)
        if pk is not None:
            user = _viewer()
            pages = Page.objects.filter(pk=pk)
            visible = pages.filter(visible_pages_q(user)) if user else public_pages(pages)
            if visible.exists():
                return super().get_attribute_data(attrs)
            return {"id": pk, "url": None, "parentId": None}
        return {"id": None, "url": None, "parentId": None}
