"""The API's one request body format: JSON, refused with a 400 (never a 500) when it is not."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The largest body a write takes; a longer one is refused (413) before it is read.
MAX_BODY_BYTES = 64 * 1024


def body_too_large(request) -> bool:
    """Whether the request says its body is over ``MAX_BODY_BYTES`` (an unreadable
    ``Content-Length`` says nothing), before anything reads it."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return False


class JSONBodyParser(JSONParser):
    """DRF's JSON parser, with what it lets through as a server error turned into a
    ``ParseError``: nesting deeper than Python's recursion limit (``RecursionError``) and a
    ``charset`` no codec is known for (``LookupError``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply") from None
        except LookupError:
            raise ParseError("Unknown charset") from None
