"""Grace answers: while a busy origin rebuilds a list or feed that a change made cold, the
answer it replaces stands in for it, for a few seconds (api/capacity.py decides when).

It is the answer last built for the same path and variant (``latest_remember``), still in the
shared cache, and it may stand in only:

- for ``GRACE_SECONDS`` after it first stood in: under lasting overload the answer is shed
  rather than served older and older;
- if every change since it was built is a publish (``_only_publishes_since``): after an
  unpublish, a deletion, a move or a change of the vocabulary (a page made private is one of
  these), nothing older stands in, and the request waits for the new answer or is shed;
- never for the change feed, which mirrors read in order.

It keeps its own validators, so a client that revalidates gets the new answer once it is
there, and ``GRACE_CACHE_CONTROL`` lets a CDN keep it a few seconds only. This is what a CDN's
``stale-while-revalidate`` (which our Cache-Control already allows: 30 s on the API, 300 s on
the feeds) does at the edge, done at the origin for the seconds of a rebuild.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse

from home.models import ContentChange

GRACE_CACHE_CONTROL = "public, max-age=5, s-maxage=5"
GRACE_SECONDS = 30
NEVER = ("/api/v1/changes/",)
LATEST_TIMEOUT = 15 * 60

# Ranges of content versions known to hold something other than a publish: that never changes
# (a row, once committed, stays). "Only publishes" is not kept: a change with a lower id may
# still commit after one with a higher id (the version is the highest id), so it is read again.
_not_only_publishes: set[tuple[int, int]] = set()
_publishes_lock = threading.Lock()


def latest_key(url: str, variant: str) -> str:
    """The name of the newest answer to this absolute URL (its links name the host)."""
    raw = f"{url}\n{variant}"
    return "http:latest:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def latest_remember(name: str, key: str, validators: dict, content_version: int) -> None:
    """The answer just built under ``key`` is the newest of its path (unless a build of a later
    content version got there first)."""
    current = cache.get(name)
    if current is not None and current[2] > content_version:
        return
    cache.set(name, (key, validators, content_version), LATEST_TIMEOUT)


def _only_publishes_since(version: int, now_version: int) -> bool:
    with _publishes_lock:
        if (version, now_version) in _not_only_publishes:
            return False
    others = (
        ContentChange.objects.filter(pk__gt=version, pk__lte=now_version)
        .exclude(action=ContentChange.Action.PUBLISHED)
        .exists()
    )
    if others:
        with _publishes_lock:
            if len(_not_only_publishes) > 1024:
                _not_only_publishes.clear()
            _not_only_publishes.add((version, now_version))
    return not others


def previous_answer(
    path: str,
    name: str,
    key: str,
    content_version: int,
    cached_entry: Callable[[str], Any],
) -> HttpResponse | None:
    """The answer that may stand in for the one under ``key`` while it is built, if any."""
    if path.startswith(NEVER):
        return None
    latest = cache.get(name)
    if latest is None or latest[0] == key:
        return None
    old_key, validators, old_version = latest
    if old_version != content_version and not _only_publishes_since(old_version, content_version):
        return None
    # Its seconds run from the first time it stood in, whatever answers it stands in for since
    # (a sign-up meanwhile makes another new key, not another 30 s).
    since = cache.get_or_set(f"{old_key}:grace-since", time.time(), LATEST_TIMEOUT)
    if since is None or time.time() - since > GRACE_SECONDS:
        return None
    entry = cached_entry(old_key)
    if entry is None:
        return None
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for header, value in (headers | validators).items():
        response[header] = value
    response["Cache-Control"] = GRACE_CACHE_CONTROL
    return response


def fresh_request(request: HttpRequest) -> WSGIRequest:
    """A request for the same answer, for a build after this one has been answered: the
    plain strings of its environment (method, path, query, host, Accept), no body, no cookie
    or credentials (public answers depend on neither)."""
    environ: dict[str, Any] = {
        name: value
        for name, value in request.META.items()
        if isinstance(value, str) and name not in ("HTTP_COOKIE", "HTTP_AUTHORIZATION")
    }
    environ.update({"wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0", "REQUEST_METHOD": "GET"})
    return WSGIRequest(environ)
