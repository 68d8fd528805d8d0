"""StreamField values as typed JSON blocks: ``[{"type", "id", "value"}]``.

Rich text is expanded to display-ready HTML, images become named renditions with width, height
and alt text, documents and pages absolute URLs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from wagtail import blocks
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.rich_text import RichText, expand_db_html

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


def value_json(block: blocks.Block, value: Any) -> Any:
    if isinstance(block, blocks.StructBlock):
        return {
            name: value_json(block.child_blocks[name], value.get(name))
            for name in block.child_blocks
        }
    if isinstance(block, blocks.ListBlock):
        return [value_json(block.child_block, item) for item in value]
    if isinstance(block, blocks.StreamBlock):
        return stream_json(value)
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        return expand_db_html(value.source if isinstance(value, RichText) else value or "")
    if isinstance(value, AbstractImage):
        return image_json(value)
    if isinstance(value, AbstractDocument):
        return document_json(value)
    if isinstance(value, Page):
        return page_link_json(value)
    if block.__class__.__name__ == "EmbedBlock":
        return {"url": value.url} if value else None
    return block.get_api_representation(value)


def stream_json(stream) -> list[dict]:
    return [
        {"type": child.block_type, "id": child.id, "value": value_json(child.block, child.value)}
        for child in stream
    ]
