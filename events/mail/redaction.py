"""Secret links out of what the admin shows: registrants' and managers' links, personal feeds.

An outbox email keeps the text it will be sent with (its links included), so a retry or a
resend sends what was composed in the transaction that caused it. Whatever the admin renders
of it (the email log, its inspect view, the resend confirmation) goes through
``secrets_redact`` first: every URL under a path that carries a token (``/tilmelding/…``,
``/feeds/me/…``, ``/api/v1/registrations/…``, the check-in codes' ``/indtjekning/…``, the
evaluations' ``/evaluering/…``) becomes "[skjult link]", and so does any token of the
email's registration wherever else it appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from django.urls import reverse

HIDDEN_LINK = "[skjult link]"
_PLACEHOLDER = "TOKENPLACEHOLDER"
# Where a URL ends in plain text or HTML: whitespace, quotes, angle brackets.
_URL_TAIL = r"[^\s\"'<>]*"
_URL_HEAD = r"(?:[a-z][a-z0-9+.-]*://[^\s\"'<>/]*)?"


@cache
def _secret_path_prefixes() -> tuple[str, ...]:
    """The URL paths whose next segment is a secret, read from the URLconf."""
    names = ("registration:manage", "registration:manager_confirm", "feeds:registrant")
    names += ("api:registration-detail", "checkin_scan:scan", "evaluations:answer")
    prefixes = {reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)[0] for name in names}
    return tuple(sorted(prefixes, key=len))


@cache
def _secret_url() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(prefix) for prefix in _secret_path_prefixes())
    return re.compile(f"{_URL_HEAD}(?:{alternatives}){_URL_TAIL}", re.IGNORECASE)


def secrets_redact(text: str, *, tokens: Iterable[str] = ()) -> str:
    """``text`` with every secret link, and each of ``tokens``, replaced by "[skjult link]"."""
    if not text:
        return text
    text = _secret_url().sub(HIDDEN_LINK, text)
    for token in tokens:
        if token:
            text = text.replace(token, HIDDEN_LINK)
    return text
