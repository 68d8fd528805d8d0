"""StreamField values as typed JSON blocks: ``[{"type", "id", "value"}]``.

Rich text is expanded to display-ready HTML, images become named renditions with width, height
and alt text, documents and pages absolute URLs.

A link reaches only a live, public page (``home.selectors.public_pages``): a page chooser that
points at a draft or a view-restricted page says ``null``, a rich-text link to one keeps its
text without an ``href``. Which of the linked pages are public is looked up once per response
(``LinkTargets``), however many objects and blocks it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.rich_text import RichText, extract_references_from_rich_text, features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from home.rich_text import linked_page_id, public_page_link_tag
from home.selectors import public_pages

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


def document_json(document: AbstractDocument | None, title: str = "") -> dict | None:
    if document is None:
        return None
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
        only to a public page: any other keeps its text, without an ``href``."""
        return self._rewriter(source or "")

    def _page_link_tags(self, attrs_list: list[dict]) -> list[str]:
        return [public_page_link_tag(self.pages.get(linked_page_id(attrs))) for attrs in attrs_list]

    @cached_property
    def _rewriter(self) -> MultiRuleRewriter:
        link_rules = features.get_link_types()
        embed_rules = features.get_embed_types()
        bulk_links = {
            kind: handler.expand_db_attributes_many for kind, handler in link_rules.items()
        }
        bulk_links["page"] = self._page_link_tags
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


def value_json(block: blocks.Block, value: Any, links: LinkTargets) -> Any:
    if isinstance(block, blocks.StructBlock):
        return {
            name: value_json(block.child_blocks[name], value.get(name), links)
            for name in block.child_blocks
        }
    if isinstance(block, blocks.ListBlock):
        return [value_json(block.child_block, item, links) for item in value]
    if isinstance(block, blocks.StreamBlock):
        return stream_json(value, links)
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        return links.rich_text_html(value.source if isinstance(value, RichText) else value or "")
    if isinstance(value, AbstractImage):
        return image_json(value)
    if isinstance(value, AbstractDocument):
        return document_json(value)
    if isinstance(block, blocks.PageChooserBlock) or isinstance(value, Page):
        return page_link_json(links.page(value))
    if block.__class__.__name__ == "EmbedBlock":
        return {"url": value.url} if value else None
    return block.get_api_representation(value)


def stream_json(stream, links: LinkTargets | None = None) -> list[dict]:
    """The blocks of a StreamField value; ``links`` from the response when it has several
    objects, else looked up for this stream alone."""
    if links is None:
        links = LinkTargets(linked_page_ids(streams=[stream]))
    return [
        {
            "type": child.block_type,
            "id": child.id,
            "value": value_json(child.block, child.value, links),
        }
        for child in stream
    ]
