"""Seats versions: which events' seats moved, so an answer that shows seats changes its validator
exactly when the seats it shows do.

A sign-up, cancellation or promotion changes an event's ``seats_left``, its registration state
and the places left per option of its questions, without a publish. Once such a change has
committed (api/signal_handlers.py) the event's own version and the global one are drawn anew in
the shared cache:

- an event's answer (``/api/v1/events/<id>/``) depends on its own version only;
- a page of the events list depends on the versions of the events on that page. Which events
  those are depends on the content version, the registration epoch and the query string only
  (no filter reads seats), so the first build of a page records its ids under those
  (``listed_ids_remember``) and later requests read them (``listed_ids``) before any view code
  runs. Until a page's ids are known it depends on the global version, as every answer did
  before: a sign-up to one event no longer makes every list in every process cold;
- every other API answer depends on the global version.

A version lost by the cache is drawn anew (``cache.add``), never read as an old one, so a lost
version costs one rebuild, never a stale 304.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from django.core.cache import cache

GLOBAL_KEY = "http:seats-version"
EVENT_KEY = "http:seats-version:event:{}"
LISTED_KEY = "http:listed:{}"
# A page's ids never change for its key (the key carries the content version): kept a day in
# the shared cache, and the last pages this process saw in memory.
LISTED_TIMEOUT = 24 * 3600
RECENT_LISTED = 2048

_listed: OrderedDict[str, tuple[int, ...]] = OrderedDict()
_listed_lock = threading.Lock()


def _new_version() -> str:
    # Its time is when seats last changed (for Last-Modified); the random part makes a value
    # drawn after a lost cache differ from every earlier one, on any machine.
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def _moment(version: str) -> float:
    return int(version.split("-", 1)[0]) / 1e9


def seats_changed(event_id: int) -> None:
    """Seats of this event moved (call once the change has committed, so no request can cache
    the old seats under the new version)."""
    version = _new_version()
    cache.set_many({GLOBAL_KEY: version, EVENT_KEY.format(event_id): version}, None)


def seats_version() -> tuple[str, float]:
    """The global version, for answers that do not say which events they show; and its time."""
    version = cache.get(GLOBAL_KEY)
    if version is None:
        cache.add(GLOBAL_KEY, _new_version(), None)
        version = cache.get(GLOBAL_KEY) or _new_version()
    return version, _moment(version)


def events_seats_version(event_ids: tuple[int, ...]) -> tuple[str, float]:
    """One value that changes when the seats of any of these events do, and the time of the
    newest change among them."""
    if not event_ids:
        return "none", 0.0
    keys = [EVENT_KEY.format(event_id) for event_id in event_ids]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_version(), None)
        found |= cache.get_many(missing)
    versions = [found.get(key) or _new_version() for key in keys]
    digest = hashlib.sha256(",".join(versions).encode()).hexdigest()[:32]
    return digest, max(_moment(version) for version in versions)


def listed_ids(page_key: str) -> tuple[int, ...] | None:
    """The ids of the events on a page of the list, if a build has recorded them."""
    with _listed_lock:
        ids = _listed.get(page_key)
    if ids is None:
        ids = cache.get(LISTED_KEY.format(page_key))
        if ids is not None:
            _listed_keep(page_key, ids)
    return ids


def listed_ids_remember(page_key: str, event_ids: tuple[int, ...]) -> None:
    cache.set(LISTED_KEY.format(page_key), event_ids, LISTED_TIMEOUT)
    _listed_keep(page_key, event_ids)


def _listed_keep(page_key: str, event_ids: tuple[int, ...]) -> None:
    with _listed_lock:
        _listed[page_key] = event_ids
        _listed.move_to_end(page_key)
        while len(_listed) > RECENT_LISTED:
            _listed.popitem(last=False)
