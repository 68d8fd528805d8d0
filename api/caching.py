"""HTTP caching of everything public (API and feeds): validators that change when, and only
when, the answer can.

An answer depends on three things, and its ETag is derived from exactly these (and the request):

- the content version: the newest row of the change log (``home.ContentChange``), written in
  the same transaction as every publish, unpublish, move, delete or vocabulary change;
- for the API, the seats version (api/seat_versions.py): a sign-up, cancellation or promotion
  changes ``seats_left`` without a publish. Once such a change has committed, the event's own
  version and the global one are drawn anew in the shared cache; an event's answer depends on
  its own, a page of the events list on those of the events it shows, the rest on the global
  one. A lost event version falls back to the global one, and a lost global one is drawn anew,
  so a lost version costs one rebuild, never a stale 304;
- the clock, but only at the moments an answer can change: for the API, the last registration
  opening, deadline or first session start that has passed (``not_yet_open`` -> ``open`` ->
  ``closed``); for the feeds, how many events have left their window (``FEED_PAST_DAYS``).
  Each is worked out once per content version and kept until the next such moment, so between
  them a revalidation is a 304 however often a CDN asks. (Before, a 60-second and a one-hour
  time bucket sat in the ETag: a CDN revalidating after ``max-age`` almost never got a 304.)

So a revalidation is answered 304 after one indexed query, before any view code runs, and a
built response is kept in the shared cache under its ETag: no stale answer survives a change,
in any process on any machine.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Aggregate, Count, Max, Min, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from api.capacity import build_in_turn, is_expensive
from api.grace import fresh_request, latest_key, latest_remember, previous_answer
from api.seat_versions import (
    event_version_draw,
    events_seats_version,
    events_seats_version_own,
    listed_ids,
    listed_ids_remember,
    seats_version,
)
from api.views.feeds import feed_window_start
from events.models import EventPage
from home.selectors import content_state

# (path prefix, what the answers depend on besides content, Cache-Control)
API, FEEDS = "api", "feeds"
PERSONAL = ("/api/v1/registrations/", "/feeds/me/")
POLICIES = (
    ("/api/v1/schema", None, None),
    # Personal answers change with the person's own actions, not with published content: no
    # shared validators, no shared cache (their views mark them private).
    ("/api/v1/registrations/", None, None),
    ("/feeds/me/", None, None),
    ("/api/v1/", API, "public, max-age=60, s-maxage=60, stale-while-revalidate=30"),
    ("/feeds/", FEEDS, "public, max-age=900, s-maxage=900, stale-while-revalidate=300"),
)
# Errors of a GET depend on the request and the content only (a bad parameter, an unpublished
# id): a minute in a CDN spares the origin a client's retry loop, and a publish purges the
# object's URL anyway. A throttled 429 is one client's, never to be served to another: no-store;
# so are answers to anything but GET and HEAD, and 5xx (an outage must not outlive itself).
ERROR_CACHE_CONTROL = "public, max-age=60, s-maxage=60"
NO_STORE = "no-store"
# The same Vary on every answer of a path, 200 and 304 alike (RFC 9110 15.4.5), naming what
# the answer varies on: the API's content is negotiated on Accept (JSON, or 406), the feeds'
# is not (always text/calendar); the messages' language on Accept-Language (Django's
# LocaleMiddleware, which a 304 made here never reaches, adds it to the 200); the CORS
# headers on Origin.
VARY = {
    API: ("Accept", "Accept-Language", "Origin"),
    FEEDS: ("Accept-Language", "Origin"),
}
EVENT_LIST_PATH = "/api/v1/events/"
EVENT_DETAIL_PATH = re.compile(r"^/api/v1/events/(\d{1,18})/$")
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Cache-Control", "Vary")
PRIVATE_MARKER = "X-Private-Response"
EPOCH_TIMEOUT = 24 * 3600
# A built answer stays in the shared cache this long at most (its ETag may stay valid longer:
# after this, the next request rebuilds it once). Bounds what odd query strings can pile up.
RESPONSE_TIMEOUT = 15 * 60


# The last answers this process served, by ETag: a warm feed is then not unpickled from the
# shared cache on every request. Safe across processes and machines because the ETag carries the
# content version, read from the database on every request: a publish anywhere changes it.
# Threads of a worker process share it, hence the lock.
_recent: OrderedDict[str, tuple] = OrderedDict()
_recent_lock = threading.Lock()
RECENT_BYTES = 64 * 2**20


def _remember(key: str, entry: tuple) -> None:
    with _recent_lock:
        _recent[key] = entry
        _recent.move_to_end(key)
        while len(_recent) > 1 and sum(len(e[2]) for e in _recent.values()) > RECENT_BYTES:
            _recent.popitem(last=False)


def _cached_entry(key: str) -> tuple | None:
    """A built answer by its key: from this process's recent answers, else the shared cache."""
    with _recent_lock:
        entry = _recent.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            _remember(key, entry)
    return entry


def _variant(request: HttpRequest, depends_on: str) -> str:
    """What of the request's ``Accept`` changes the answer. The feeds ignore it; the API
    answers JSON to any client whose Accept names it, ``application/*`` or ``*/*`` (or has
    none), as DRF's negotiation does (it ignores ``q``), so all of those share one validator;
    a client that accepts no JSON (its 406 is not cached) or asks for a JSON of its own
    (``indent=4``, which DRF honours) gets its own."""
    if depends_on != API:
        return ""
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return "json"
    for part in accept.split(","):
        media, *params = (piece.strip().lower() for piece in part.split(";"))
        plain = all(p.split("=", 1)[0].strip() in ("q", "charset") for p in params)
        if media in ("*/*", "application/*", "application/json") and plain:
            return "json"
    return accept


def _policy(path: str):
    for prefix, depends_on, cache_control in POLICIES:
        if path.startswith(prefix):
            return depends_on, cache_control
    return None, None


def _aware(value: datetime) -> datetime:
    return value.astimezone(UTC)


# The epochs last read, by their shared cache key, in this process too: a key carries the content
# version (and the feeds' window), so its value is the same for every process and never changes;
# only an API epoch's end is checked against the clock. Spares every request one round trip to
# Redis (a revalidation makes two or three).
_epochs: dict[str, tuple] = {}
RECENT_EPOCHS = 16


def _epoch_from_cache(key: str):
    value = _epochs.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _epoch_keep(key, value)
    return value


def _epoch_keep(key: str, value: tuple) -> None:
    if len(_epochs) >= RECENT_EPOCHS:
        _epochs.clear()
    _epochs[key] = value


def _api_epoch(version: int, now: datetime) -> tuple[float, datetime | None]:
    """The last registration opening, deadline or first session start that has passed, and the
    next one: the registration state of every event stays the same in between."""

    def compute():
        fields = ("registration_opens", "registration_closes", "first_start")
        aggregates: dict[str, Aggregate] = {}
        for field in fields:
            aggregates[f"{field}_passed"] = Max(field, filter=Q(**{f"{field}__lte": now}))
            aggregates[f"{field}_next"] = Min(field, filter=Q(**{f"{field}__gt": now}))
        row = EventPage.objects.live().aggregate(**aggregates)
        passed = [_aware(row[f"{f}_passed"]) for f in fields if row[f"{f}_passed"]]
        upcoming = [_aware(row[f"{f}_next"]) for f in fields if row[f"{f}_next"]]
        return (max(passed).timestamp() if passed else 0.0), (min(upcoming) if upcoming else None)

    key = f"http:epoch:api:{version}"
    cached = _epoch_from_cache(key)
    if cached is not None:
        passed, upcoming = cached
        if now.timestamp() >= passed and (upcoming is None or now < upcoming):
            return cached
    cached = compute()
    cache.set(key, cached, EPOCH_TIMEOUT)
    _epoch_keep(key, cached)
    return cached


def _feeds_epoch(version: int) -> tuple[float, int]:
    """How many events have left the feeds' window (it moves by whole hours), and when the last
    of them left: the feeds change when one more leaves, not every hour."""
    window_start = feed_window_start()
    key = f"http:epoch:feeds:{version}:{int(window_start.timestamp())}"
    cached = _epoch_from_cache(key)
    if cached is None:
        row = EventPage.objects.live().aggregate(
            gone=Count("pk", filter=Q(last_end__lt=window_start)),
            last=Max("last_end", filter=Q(last_end__lt=window_start)),
        )
        left_at = 0.0
        if row["last"] is not None:
            # it left at the first whole hour whose window started after its end
            hour = (row["last"] + timedelta(days=settings.FEED_PAST_DAYS)).replace(
                minute=0, second=0, microsecond=0
            ) + timedelta(hours=1)
            left_at = hour.timestamp()
        cached = (left_at, row["gone"])
        cache.set(key, cached, EPOCH_TIMEOUT)
        _epoch_keep(key, cached)
    return cached


def _seats_version_of(request: HttpRequest, version: int, passed: float) -> tuple[str, float]:
    """The seats version the answer depends on (api/seat_versions.py): an event's own, the
    listed events' once a build has recorded which they are, else the global one."""
    # A search (``q``) reads the search index, which a worker updates after the publish: which
    # events it finds is not fixed by the content version, so it follows the global version.
    if request.path == EVENT_LIST_PATH and "q" not in request.GET:
        raw = f"{version}:{passed}:{request.get_full_path()}"
        page_key = hashlib.sha256(raw.encode()).hexdigest()[:32]
        request.listed_page_key = page_key  # type: ignore[attr-defined]
        ids = listed_ids(page_key)
        if ids is not None:
            return events_seats_version(ids, draw=True)
        by_global = seats_version()
        request.listed_by_global = by_global[0]  # type: ignore[attr-defined]
        return by_global
    elif match := EVENT_DETAIL_PATH.match(request.path):
        digest, moment, stood_on = events_seats_version_own((int(match[1]),), draw=False)
        if stood_on is not None:  # its build draws one (``_validators_by_own_versions``)
            request.listed_by_global = stood_on  # type: ignore[attr-defined]
        return digest, moment
    return seats_version()


def _validators(request: HttpRequest, depends_on: str, state) -> tuple[str, float]:
    """The ETag and Last-Modified time of the answer to this request, at the moment the
    request first asked (kept on it: worked out again after its build, they must not move on
    to a registration epoch that began while it was built)."""
    parts = [str(state.version)]
    moments = [state.last_modified.timestamp()]
    if depends_on == API:
        if (now := getattr(request, "validators_at", None)) is None:
            now = request.validators_at = timezone.now()  # type: ignore[attr-defined]
        passed, _ = _api_epoch(state.version, now)
        seats, seats_moment = _seats_version_of(request, state.version, passed)
        parts += [seats, str(passed)]
        moments += [seats_moment, passed]
    else:
        left_at, gone = _feeds_epoch(state.version)
        parts += [str(gone)]
        moments += [left_at]
    # Host and scheme too: the API's answers carry absolute links (a page's ``next``) built from
    # them, so the bytes kept for one host must not go out to a client of another.
    raw = ":".join(
        [
            *parts,
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            _variant(request, depends_on),
        ]
    )
    etag = '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
    return etag, int(max(moments))


def _validator_headers(etag: str, last_modified: float) -> dict[str, str]:
    """The answer's validators as headers. ``Last-Modified`` counts whole seconds, so two changes
    within one second share it: a client that revalidates with ``If-Modified-Since`` alone
    (many calendar clients do) and was given the first could be told "not modified" after the
    second. So it is given only once the second of the last change is over: every later change
    then falls in a later second. Until then, the ``ETag`` alone (which follows every change)."""
    headers = {"ETag": etag}
    if int(last_modified) < int(time.time()):
        headers["Last-Modified"] = http_date(last_modified)
    return headers


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


def _error_cache_control(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.has_header("Cache-Control") or response.status_code < 400:
        return response
    cacheable = request.method in ("GET", "HEAD") and response.status_code != 429
    cacheable = cacheable and response.status_code < 500
    response["Cache-Control"] = ERROR_CACHE_CONTROL if cacheable else NO_STORE
    return response


def _validators_by_own_versions(request: HttpRequest, depends_on: str, state, entry) -> dict | None:
    """An answer built before its events had seats versions of their own (a page of the list
    whose ids were not known yet, an event that had none) is keyed on the global version. Its
    build recorded the ids, or draws the event's version: if no seats moved while it was built
    (the global version is read after the events'), it is also the answer for the events'
    own versions, kept and sent under those, so the next revalidation is a 304, not a second
    build."""
    listed = getattr(request, "listed_event_ids", None)
    page_key = getattr(request, "listed_page_key", None)
    if listed is not None and page_key is not None:
        listed_ids_remember(page_key, listed)
    by_global = getattr(request, "listed_by_global", None)
    if by_global is None:
        return None
    if match := EVENT_DETAIL_PATH.match(request.path):
        event_version_draw(int(match[1]))
    elif listed is None or page_key is None:
        return None
    etag, last_modified = _validators(request, depends_on, state)
    if seats_version()[0] != by_global:
        return None
    cache.set(f"http:{etag}", entry, RESPONSE_TIMEOUT)
    _remember(f"http:{etag}", entry)
    return _validator_headers(etag, last_modified)


class ConditionalContentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        depends_on, cache_control = _policy(request.path)
        if request.method not in ("GET", "HEAD") or not depends_on:
            response = _keep_private(self.get_response(request))
            if request.path.startswith(PERSONAL):
                # a token's 404 or 400 is nobody else's business either
                response.setdefault("Cache-Control", "private, no-store")
            elif request.path.startswith(("/api/", "/feeds/")):
                if request.method not in ("GET", "HEAD"):
                    response.setdefault("Cache-Control", NO_STORE)
                _error_cache_control(request, response)
            return response

        state = content_state()
        # Lets views key their own caches on it (they read it with getattr): an attribute of
        # this request only, which HttpRequest's types do not know.
        request.content_version = state.version  # type: ignore[attr-defined]
        etag, last_modified = _validators(request, depends_on, state)
        validators = _validator_headers(etag, last_modified)

        if _not_modified(request, etag, last_modified):
            response = HttpResponseNotModified()
            for name, value in validators.items():
                response[name] = value
            response["Cache-Control"] = cache_control
            patch_vary_headers(response, VARY[depends_on])
            return response

        key = f"http:{etag}"
        cached = _cached_entry(key)
        if cached is None:

            def build() -> HttpResponse:
                return self._build(request, key, depends_on, cache_control, state, validators)

            if not is_expensive(request.path):
                return build()

            name = latest_key(request.build_absolute_uri(), _variant(request, depends_on))

            def previous() -> HttpResponse | None:
                return previous_answer(request.path, name, key, state.version, _cached_entry)

            fresh = fresh_request(request)  # here: the background never reads this request

            def later() -> None:
                self._rebuild(fresh, depends_on, cache_control)

            cached, built = build_in_turn(request, key, _cached_entry, build, previous, later)
            if built is not None:
                return built
        status, headers, content = cached
        response = HttpResponse(content, status=status)
        for name, value in (headers | validators).items():
            response[name] = value
        return response

    def _build(
        self,
        request: HttpRequest,
        key: str,
        depends_on: str,
        cache_control,
        state,
        validators: dict,
    ) -> HttpResponse:
        """The view's answer; a 200 is kept in the shared cache under its ETag and gets its
        validators, anything else (an error, a private answer) goes out as it is."""
        response = self.get_response(request)
        if response.has_header(PRIVATE_MARKER):
            return _keep_private(response)
        patch_vary_headers(response, VARY[depends_on])
        if response.status_code != 200 or response.streaming:
            return _error_cache_control(request, response)
        response.setdefault("Cache-Control", cache_control)
        headers = {h: response[h] for h in CACHED_HEADERS if response.has_header(h)}
        entry = (response.status_code, headers, response.content)
        cache.set(key, entry, RESPONSE_TIMEOUT)
        _remember(key, entry)
        validators = _validators_by_own_versions(request, depends_on, state, entry) or validators
        if is_expensive(request.path):
            name = latest_key(request.build_absolute_uri(), _variant(request, depends_on))
            latest_remember(name, f"http:{validators['ETag']}", validators, state.version)
        for header, value in validators.items():
            response[header] = value
        return response

    def _rebuild(self, request: HttpRequest, depends_on: str, cache_control) -> None:
        """Build the current answer to a fresh copy of a request already answered with the
        previous one (api/grace.py), in the background, unless it is in the cache by now."""
        state = content_state()
        request.content_version = state.version  # type: ignore[attr-defined]
        etag, last_modified = _validators(request, depends_on, state)
        key = f"http:{etag}"
        if _cached_entry(key) is None:
            validators = _validator_headers(etag, last_modified)
            self._build(request, key, depends_on, cache_control, state, validators)
