"""Locks that hold across processes and machines: in Redis when the cache is Redis, else a
file lock on this machine (the embedded default runs one machine).

``exclusive`` lets one worker at a time run a job however many clusters are started."""

from __future__ import annotations

import fcntl
import secrets
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection

# Delete the key only if it still holds our token: a holder whose lock ran out (and was taken
# by another worker since) must not release the other's.
RELEASE_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _lock_ttl() -> int:
    """django-q2 kills a task after ``timeout`` seconds: the lock of a killed run outlives it
    by half a minute, so a dead worker pauses scheduled publishing for a minute or two at most."""
    return int(settings.Q_CLUSTER.get("timeout", 60)) + 30


@contextmanager
def cache_lock(name: str, *, ttl: int, lock_cache: BaseCache | None = None) -> Iterator[bool]:
    """Yield True to the one holder of ``name`` in a shared cache, False to everyone else.

    Taken with ``add`` (atomic in Redis: SET NX with an expiry) and a random token; released
    only by its owner, by a compare-and-delete in Redis. ``ttl`` bounds a dead holder's lock.
    """
    lock_cache = lock_cache or caches["default"]
    key = f"lock:{name}"
    # An int, which Django's Redis cache stores as plain digits, for the Lua comparison.
    token = secrets.randbits(62) + 1
    acquired = lock_cache.add(key, token, ttl)
    try:
        yield acquired
    finally:
        if acquired:
            _cache_lock_release(lock_cache, key, token)


def _cache_lock_release(lock_cache: BaseCache, key: str, token: int) -> None:
    if isinstance(lock_cache, RedisCache):
        full_key = lock_cache.make_and_validate_key(key)
        client = lock_cache._cache.get_client(full_key, write=True)
        client.eval(RELEASE_IF_OWNER, 1, full_key, str(token))
    elif lock_cache.get(key) == token:  # a process-local cache: no other process shares it
        lock_cache.delete(key)


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yield True to the one holder of ``name`` across every process, False to the others.

    With ``REDIS_URL`` (the production setup, shared by every machine): a lock in the Redis
    cache (``cache_lock``). Without Redis, on PostgreSQL: a session advisory lock (released by
    the server if the worker dies). Else (SQLite, one machine): an ``flock`` on a file.
    """
    if isinstance(caches["default"], RedisCache):
        with cache_lock(name, ttl=_lock_ttl()) as acquired:
            yield acquired
    elif connection.vendor == "postgresql":
        key = zlib.crc32(name.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    else:
        path = (
            Path(tempfile.gettempdir())
            / f"videnscenter-{zlib.crc32(str(settings.BASE_DIR).encode())}-{name}.lock"
        )
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
