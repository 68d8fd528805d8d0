"""Which sites' browsers may read the API and the feeds, and which may sign up.

django-cors-headers answers for ``/api/`` and ``/feeds/`` (``CORS_URLS_REGEX``):

- the origins of ``CORS_ALLOWED_ORIGINS`` (the partners' sites) may do all a browser may: sign
  up, read or cancel a registration by its token, read a registrant's own feed;
- any other origin may read what is public (``GET``, ``HEAD`` and their preflights), so the
  embeddable widget works on any site that embeds it, as pretix's does: nothing personal is read.
  ``is_public_read`` says which requests those are; django-cors-headers asks it (through its
  ``check_request_enabled`` signal, api/signal_handlers.py) only for an origin the setting does
  not name.

A read's preflight is answered with every method of ``CORS_ALLOW_METHODS``, ``POST`` among
them, and a browser may remember that for the address it asked about; but no public address
takes a write, and another origin's preflight for a sign-up's or a registration's address gets
nothing.

A public answer is the same for every origin; only the CORS headers, which the middleware adds
outside the HTTP cache (``api/caching.py``), differ. So a 304 and an answer from the shared cache
carry the right ones.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import Resolver404, resolve

# Personal answers and the writes: for the origins of CORS_ALLOWED_ORIGINS only.
RESTRICTED_ROUTES = frozenset(
    {"api:event-registrations", "api:registration-detail", "feeds:registrant"}
)
PUBLIC_PREFIXES = ("/api/v1/", "/feeds/")
READ_METHODS = frozenset({"GET", "HEAD"})


def _method(request: HttpRequest) -> str:
    """The method a request uses, or for a preflight the one it asks about."""
    if request.method == "OPTIONS":
        return request.headers.get("Access-Control-Request-Method", "").upper()
    return request.method or ""


def is_public_read(request: HttpRequest) -> bool:
    """A read of what anyone may read: not of a personal answer, not a write's preflight."""
    path = request.path_info
    if not path.startswith(PUBLIC_PREFIXES) or _method(request) not in READ_METHODS:
        return False
    try:
        view_name = resolve(path).view_name
    except Resolver404:
        return True  # no route, no content: the 404 is public
    return view_name not in RESTRICTED_ROUTES
