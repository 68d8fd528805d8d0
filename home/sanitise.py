"""HTML that leaves the system for other sites passes one allowlist, kept by nh3 (Ammonia).

The API's rich text (``home.api_values.LinkTargets.rich_text_html``) is inserted as HTML by the
partners' sites and the embeddable widget, on pages of other origins. What the editors' rich-text
features produce (``home.blocks.RICH_TEXT_FEATURES``, the knowledge summary's) is let through
unchanged; anything else that reached the database some other way (an import, a shell, a
migration) is dropped: scripts and their text, event handlers, ``style``, iframes, ``javascript:``
and other schemes than the four below.

No ``rel`` is added to links: no ``target`` survives, so a link opens in the same tab and leaves
no ``window.opener`` to protect. A site that opens links in a new tab sets its own ``rel``.
"""

from __future__ import annotations

import nh3

# Paragraphs, the headings of h2/h3, bold and italic (Wagtail writes b and i; strong and em are
# their equivalents), lists, links and soft line breaks.
ALLOWED_TAGS = frozenset({"p", "h2", "h3", "b", "strong", "i", "em", "ol", "ul", "li", "a", "br"})
# A page, document, external, email or phone link is an ``<a href>``; a link to a page that is
# not public is an ``<a>`` with its text only (``home.api_values.public_page_link_tag``).
ALLOWED_ATTRIBUTES = {"a": frozenset({"href"})}
# Relative addresses (a page's path, a document's /documents/…, an #anchor) pass as they are.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Dropped with everything inside them, not just their tags (their text is no content).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "noscript", "template", "svg", "math", "title"}
)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """``html`` with only the allowed tags, attributes and link schemes left."""
    if not html:
        return ""
    return _cleaner.clean(html)
