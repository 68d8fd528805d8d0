"""Plain text for calendars: rich text and an event's body as readable text, the DESCRIPTION."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html.parser import HTMLParser

from events.ical.data import CalendarEvent, status_labels
from events.models import (
    EventStatus,
)


class _TextExtractor(HTMLParser):
    """Rich text to readable plain text: paragraphs apart, list items as "- ", links kept.

    Written here because the usual converters (html2text) emit Markdown, which calendar clients
    show literally.
    """

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._href:
            text = "".join(self._link_text).strip()
            if self._href.startswith(("http://", "https://", "mailto:")) and self._href != text:
                self.parts.append(f" ({self._href.removeprefix('mailto:')})")
            self._href = None

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


def html_to_text(value: str) -> str:
    parser = _TextExtractor()
    parser.feed(value or "")
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def body_text(body: Sequence[dict]) -> str:
    """The body's raw blocks as paragraphs; consecutive programme items form one list."""
    text = ""
    previous = None
    for block in body:
        kind, value = block.get("type"), block.get("value") or {}
        if kind == "paragraph":
            part = html_to_text(value if isinstance(value, str) else "")
        elif kind == "programme_item":
            part = "- " + f"{value.get('time') or ''} {value.get('title') or ''}".strip()
            if value.get("speakers"):
                part += f" ({value['speakers']})"
        elif kind == "speaker":
            part = ", ".join(p for p in (value.get("name"), value.get("title")) if p)
        else:
            continue
        if not part:
            continue
        if text:
            text += "\n" if kind == previous == "programme_item" else "\n\n"
        text += part
        previous = kind
    return text


def event_description(event: CalendarEvent, *, join_url: str | None = None) -> str:
    parts = [event.teaser.strip()] if event.teaser else []
    if event.status != EventStatus.SCHEDULED and event.status_reason:
        label = status_labels().get(event.status, event.status)
        parts.append(f"{label}: {event.status_reason.strip()}")
    if body := body_text(event.body):
        parts.append(body)
    if join_url:
        platform = f" ({event.platform_name})" if event.platform_name else ""
        parts.append(f"Deltag online{platform}: {join_url}")
    practical = []
    if event.price_text:
        practical.append(f"Pris: {event.price_text}")
    if event.contact_email or event.contact_name:
        contact = ", ".join(p for p in (event.contact_name, event.contact_email) if p)
        practical.append(f"Kontakt: {contact}")
    if practical:
        parts.append("\n".join(practical))
    parts.append(f"Læs mere og tilmeld dig: {event.url}")
    return "\n\n".join(parts)
