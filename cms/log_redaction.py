"""A logging filter that hides the secret segment of every link that carries a token.

Django logs the path of every 4xx and 5xx (``django.request``: "Bad Request: /evaluering/…/",
"Not Found: …", "Gone: …"), its CSRF check the path it refused (``django.security.csrf``) and
the development server every request (``django.server``), the request budget the slow ones
(``home.budget``). A person's links carry a secret in
the path (the evaluation's one-time link, the registrant's pages, the personal feed …), so a
refused form would put a still-valid link in the log for whoever reads it. This filter replaces
that segment with ``<skjult>`` in the record's message before any handler sees it.

The prefixes mirror the URLconf (``cms/urls.py``, ``api/urls.py``, ``api/feed_urls.py``,
``events/*/urls.py``); ``tests/cms/test_log_redaction.py`` walks the URLconf and fails when a
route with a token is not covered. The admin's email log hides the same links another way
(``events.mail.redaction``), from the URLconf at request time: a logging filter is configured
before the URLconf may be loaded.
"""

from __future__ import annotations

import logging
import re

HIDDEN = "<skjult>"

# The path before a secret segment (a word after it, like ``deltager/``, is part of the path).
_PREFIXES = (
    r"evaluering/(?!tak/)",
    r"tilmelding/(?:deltager/|ledelse/)?",
    r"kursusbevis/",
    r"bevis/",
    r"indtjekning/",
    r"feeds/me/",
    r"api/v1/registrations/",
    r"admin/password_reset/confirm/[^/?#\s]+/",  # Wagtail's password reset: the token
)
_TOKEN_PATH = re.compile(rf"(/(?:{'|'.join(_PREFIXES)}))[^/?#\s\"'<>]+", re.IGNORECASE)


def token_paths_redact(text: str) -> str:
    """``text`` with the secret segment of each token path replaced by ``<skjult>``."""
    return _TOKEN_PATH.sub(rf"\1{HIDDEN}", text)


class TokenPathFilter(logging.Filter):
    """Rewrites the record's message (its arguments merged in) without a token path's secret.
    Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report
            return True
        redacted = token_paths_redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        path = getattr(record, "path", None)  # home.budget's extra, for structured handlers
        if isinstance(path, str):
            record.path = token_paths_redact(path)
        return True
