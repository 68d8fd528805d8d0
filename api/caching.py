"""HTTP caching of everything public (API and feeds), hung on the content version.

The content version is the newest row of the change log (``home.ContentChange``), written in
the same transaction as every publish, unpublish, move, delete or vocabulary change. So:

- the ETag is derived from the version and the request, and a revalidation is answered 304
  after one indexed query, before any view code runs;
- a built response is kept in the shared cache under its ETag: a publish changes the version,
  so no stale answer survives it, in any process on any machine;
- answers that depend on the clock (registration opening, the feeds' window) carry a time
  bucket in the ETag, so they never outlive it.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from home.selectors import content_state

# (path prefix, seconds a time bucket lasts, Cache-Control)
POLICIES = (
    ("/api/v1/schema", None, None),
    # Personal answers change with the person's own actions, not with published content: no
    # shared validators, no shared cache (their views mark them private).
    ("/api/v1/registrations/", None, None),
    ("/feeds/me/", None, None),
    ("/api/v1/", 60, "public, max-age=60, s-maxage=60, stale-while-revalidate=30"),
    ("/feeds/", 3600, "public, max-age=900, s-maxage=900, stale-while-revalidate=300"),
)
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Cache-Control", "Vary")
PRIVATE_MARKER = "X-Private-Response"


# The last answers this process served, by ETag: a warm feed is then not unpickled from the
# shared cache on every request. Safe across processes and machines because the ETag carries the
# content version, read from the database on every request: a publish anywhere changes it.
_recent: OrderedDict[str, tuple] = OrderedDict()
RECENT_BYTES = 64 * 2**20


def _remember(key: str, entry: tuple) -> None:
    _recent[key] = entry
    _recent.move_to_end(key)
    while len(_recent) > 1 and sum(len(e[2]) for e in _recent.values()) > RECENT_BYTES:
        _recent.popitem(last=False)


def _policy(path: str):
    for prefix, bucket, cache_control in POLICIES:
        if path.startswith(prefix):
            return bucket, cache_control
    return None, None


def _etag(request: HttpRequest, version: int, bucket_seconds: int) -> tuple[str, int]:
    bucket = int(time.time() // bucket_seconds)
    raw = f"{version}:{bucket}:{request.get_full_path()}:{request.headers.get('Accept', '')}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', bucket * bucket_seconds


def _not_modified(request: HttpRequest, etag: str, last_modified: float) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified) <= since


def _keep_private(response: HttpResponse) -> HttpResponse:
    """Personal answers (a registration by its token, a registrant's own feed) are marked by
    their views; no shared cache or CDN may keep them, and no browser may store them."""
    if response.has_header(PRIVATE_MARKER):
        del response[PRIVATE_MARKER]
        response["Cache-Control"] = "private, no-store"
    return response


class ConditionalContentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bucket_seconds, cache_control = _policy(request.path)
        if request.method not in ("GET", "HEAD") or not bucket_seconds:
            return _keep_private(self.get_response(request))

        state = content_state()
        request.content_version = state.version  # lets views key their own caches on it
        etag, bucket_start = _etag(request, state.version, bucket_seconds)
        last_modified = max(state.last_modified.timestamp(), float(bucket_start))
        validators = {"ETag": etag, "Last-Modified": http_date(last_modified)}

        if _not_modified(request, etag, last_modified):
            response = HttpResponseNotModified()
            for name, value in validators.items():
                response[name] = value
            response["Cache-Control"] = cache_control
            return response

        key = f"http:{etag}"
        cached = _recent.get(key)
        if cached is None:
            cached = cache.get(key)
            if cached is not None:
                _remember(key, cached)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
        else:
            response = self.get_response(request)
            if response.status_code != 200 or response.streaming:
                return response
            if response.has_header(PRIVATE_MARKER):
                return _keep_private(response)
            response.setdefault("Cache-Control", cache_control)
            headers = {h: response[h] for h in CACHED_HEADERS if response.has_header(h)}
            entry = (response.status_code, headers, response.content)
            cache.set(key, entry, bucket_seconds * 2)
            _remember(key, entry)
        for name, value in validators.items():
            response[name] = value
        return response
