"""How media, page links and rich text appear in the API: the values the StreamField blocks
(``home/blocks.py``) and the API's serializers represent themselves with.

Rich text is expanded to display-ready HTML and passed through the one allowlist of what may
leave as HTML (``home.sanitise``), images become named renditions with width, height and alt
text, documents and pages absolute URLs.

A link reaches only a live, public page (``home.visibility.public_pages``): a page chooser that
points at a draft or a view-restricted page says ``null``, a rich-text link to one keeps its
text without an ``href``. Which of the linked pages are public is looked up once per response
(``LinkTargets``), however many objects and blocks it holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils.functional import cached_property
from django.utils.html import escape
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.rich_text import extract_references_from_rich_text, features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from home.sanitise import sanitise_html
from home.visibility import public_pages

RENDITIONS = {"small": "max-480x480", "medium": "max-1024x1024", "large": "max-2048x2048"}


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL + url


def image_json(image: AbstractImage | None) -> dict | None:
    if image is None:
        return None
    renditions = image.get_renditions(*RENDITIONS.values())
    return {
        "id": image.pk,
        "title": image.title,
        "alt": getattr(image, "default_alt_text", None) or image.title,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: {
                "url": absolute(renditions[spec].url),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in RENDITIONS.items()
        },
    }


def document_json(document: AbstractDocument, title: str = "") -> dict:
    try:
        size = document.get_file_size()
    except OSError:
        size = None
    return {
        "id": document.pk,
        "title": title or document.title,
        "url": absolute(document.url),
        "file_extension": document.file_extension,
        "file_size": size,
    }


def page_link_json(page: Page | None) -> dict | None:
    if page is None:
        return None
    return {"id": page.pk, "title": page.title, "url": absolute(page.url or "")}


def linked_page_ids(*, streams: Iterable = (), rich_texts: Iterable[str] = ()) -> set[int]:
    """Ids of the pages that StreamField values and rich-text sources link to, found by
    Wagtail's own reference extraction (the one its reference index uses)."""
    references = []
    for stream in streams:
        if stream:
            references += stream.stream_block.extract_references(stream)
    for source in rich_texts:
        if source:
            references += extract_references_from_rich_text(source)
    ids = (
        linked_page_id({"id": pk}) for model, pk, *_rest in references if issubclass(model, Page)
    )
    return {pk for pk in ids if pk is not None}


class LinkTargets:
    """The live, public pages among those a response links to: one query, or none at all."""

    def __init__(self, page_ids: Iterable[int] = ()):
        ids = set(page_ids)
        self.pages: dict[int, Page] = (
            {page.pk: page for page in public_pages(Page.objects.filter(pk__in=ids))} if ids else {}
        )

    def page(self, page: Page | int | None) -> Page | None:
        if page is None:
            return None
        return self.pages.get(page.pk if isinstance(page, Page) else int(page))

    def rich_text_html(self, source: str) -> str:
        """``expand_db_html`` with Wagtail's own handlers, except that a page link resolves
        only to a public page: any other keeps its text, without an ``href``; then only what
        the allowlist lets through (``home.sanitise``)."""
        return sanitise_html(self._rewriter(source or ""))

    def _page_link_tags(self, attrs_list: list[dict]) -> list[str]:
        return [public_page_link_tag(self.pages.get(linked_page_id(attrs))) for attrs in attrs_list]

    @staticmethod
    def _document_link_tags(attrs_list: list[dict]) -> list[str]:
        """A document link's absolute address, as the API gives every document's: the sites
        that insert this HTML (the widget among them) are on other origins."""
        documents = features.get_link_types()["document"].get_many(attrs_list)
        return [f'<a href="{escape(absolute(doc.url))}">' if doc else "<a>" for doc in documents]

    @cached_property
    def _rewriter(self) -> MultiRuleRewriter:
        link_rules = features.get_link_types()
        embed_rules = features.get_embed_types()
        bulk_links = {
            kind: handler.expand_db_attributes_many for kind, handler in link_rules.items()
        }
        bulk_links["page"] = self._page_link_tags
        if "document" in bulk_links:
            bulk_links["document"] = self._document_link_tags
        return MultiRuleRewriter(
            [
                LinkRewriter(bulk_rules=bulk_links),
                EmbedRewriter(
                    bulk_rules={
                        kind: handler.expand_db_attributes_many
                        for kind, handler in embed_rules.items()
                    }
                ),
            ]
        )


def linked_page_id(attrs: dict) -> int | None:
    """The page id of a rich-text ``<a linktype="page" id=…>``, or ``None`` for one that is no
    plain number ("²" passes ``str.isdigit`` but not ``int``)."""
    pk = str(attrs.get("id", ""))
    return int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None


def public_page_link_tag(page: Page | None) -> str:
    """The opening tag of a page link: an ``href`` only for a page found public."""
    return f'<a href="{escape(page.localized.url)}">' if page else "<a>"
