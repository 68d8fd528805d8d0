"""The editor's rich-text links: Draftail reads links through its own contentstate converter,
whose page link handler gives the editor each linked page's URL and parent.
``ScopedPageLinkElementHandler`` replaces it (``home/wagtail_hooks.py``) and gives them only for a
page the viewer may see (their own area, or live and public elsewhere); any other link keeps just
its id.
"""

from __future__ import annotations

from wagtail.admin.rich_text.converters.html_to_contentstate import PageLinkElementHandler
from wagtail.models import Page

from home.api_values import linked_page_id
from home.areas import titles as admin_titles
from home.areas.rules import AdminTitles, visible_pages_q
from home.visibility import public_pages


def _viewer():
    """The user of the current admin request (``home.areas.middleware``), or ``None``."""
    rule = admin_titles._rule.get()
    return rule.user if isinstance(rule, AdminTitles) else None


class ScopedPageLinkElementHandler(PageLinkElementHandler):
    """The editor's page link entity: URL and parent only for a page the viewer may see."""

    def get_attribute_data(self, attrs):
        pk = linked_page_id(attrs)
        if pk is not None:
            user = _viewer()
            pages = Page.objects.filter(pk=pk)
            visible = pages.filter(visible_pages_q(user)) if user else public_pages(pages)
            if visible.exists():
                return super().get_attribute_data(attrs)
            return {"id": pk, "url": None, "parentId": None}
        return {"id": None, "url": None, "parentId": None}
