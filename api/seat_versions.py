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

A lost global version is drawn anew (``cache.add``), never read as an old one; in place of a
lost (or never drawn) event version stands the global one, which every bump moves too. So a
lost version costs one rebuild, never a stale 304, and reading never writes: a GET for any id
adds no key. Versions expire after a day (``VERSION_TIMEOUT``), so a bump that failed (Redis
did not answer) is made good by then at the latest.
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
VERSION_TIMEOUT = 24 * 3600

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
    for attempt in (1, 2):
        try:
            cache.set_many(
                {GLOBAL_KEY: version, EVENT_KEY.format(event_id): version}, VERSION_TIMEOUT
            )
            return
        except Exception:  # noqa: BLE001 - the shared cache did not answer: once more, then say so
            if attempt == 2:
                raise


def seats_version() -> tuple[str, float]:
    """The global version, for answers that do not say which events they show; and its time."""
    version = cache.get(GLOBAL_KEY)
    if version is None:
        cache.add(GLOBAL_KEY, _new_version(), VERSION_TIMEOUT)
        version = cache.get(GLOBAL_KEY) or _new_version()
    return version, _moment(version)


def events_seats_version(event_ids: tuple[int, ...], *, draw: bool) -> tuple[str, float]:
    digest, moment, _stood_on = events_seats_version_own(event_ids, draw=draw)
    return digest, moment


def events_seats_version_own(
    event_ids: tuple[int, ...], *, draw: bool
) -> tuple[str, float, str | None]:
    """One value that changes when the seats of any of these events do, the time of the
    newest change among them, and the global version some of them stood on for want of one
    of their own (None: each has its own). ``draw``: the ids are events a build has shown,
    so a version of their own is drawn for those without one (never for an id from a URL
    alone, which may name no event: ``event_version_draw`` once its answer is built)."""
    if not event_ids:
        return "none", 0.0, None
    keys = [EVENT_KEY.format(event_id) for event_id in event_ids]
    found = cache.get_many([*keys, GLOBAL_KEY])
    if draw and (missing := [key for key in keys if key not in found]):
        for key in missing:  # at most a page of them, once a day
            cache.add(key, _new_version(), VERSION_TIMEOUT)
        found |= cache.get_many(missing)
    if any(key not in found for key in keys):
        found.setdefault(GLOBAL_KEY, seats_version()[0])
    # An event without a version of its own (none drawn yet, or lost) stands on the global one.
    versions = [found.get(key) or "g" + found[GLOBAL_KEY] for key in keys]
    digest = hashlib.sha256(",".join(versions).encode()).hexdigest()[:32]
    moment = max(_moment(version.removeprefix("g")) for version in versions)
    return digest, moment, None if all(key in found for key in keys) else found[GLOBAL_KEY]


def event_version_draw(event_id: int) -> None:
    """An event's answer was built: it has a version of its own from now on (until a day
    passes), so other events' sign-ups no longer change its validator. A new value, never
    seen before: the next request builds once more, never serves a stale answer."""
    cache.add(EVENT_KEY.format(event_id), _new_version(), VERSION_TIMEOUT)


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
