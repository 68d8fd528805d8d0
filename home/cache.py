"""Django's Redis cache, with one connection pool and one client object per process instead of
a pool per thread and a client per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache operation;
building one fills its table of ~170 response callbacks, which cost a 304 revalidation about
0.2 ms of CPU per cache read, two reads a request (measured with ``cProfile`` on the load test's
data: a third of a revalidation's CPU). A ``redis.Redis`` is safe to share between threads (each
command borrows a connection from the pool), and its pool notices a fork and starts afresh, so
the client is kept per pool for the process's life. Written here because Django offers no option
for it and django-redis would replace the whole backend for this one line.

Django keeps a cache object per thread, and with it a connection pool per thread: each of a
web process's threads opened its own Redis connection on its first request (a TCP connect and
redis-py's handshake: a sixth of the throttle's CPU in the first 200 sign-ups to a new process,
``py-spy`` over ``bench/registrations.py``), and the connection the warm-up opened served its
own thread only (``cms/warm_up.py``). The pools are kept per process, by server and options,
so the threads share their connections, as they share the database's pool.

Two writes go as one Lua script each instead of redis-py's MULTI/EXEC pipelines, whose
queueing and parsing of four or five replies cost more of a sign-up's CPU than the command
(``py-spy`` over ``bench/registrations.py``: the throttle's count was a tenth of a sign-up's
CPU in the web process; 114 against 74 µs a call in one process): ``set_many`` (the seats'
versions after every sign-up, ``api.seat_versions``) and ``counter_incr`` (the throttle's).
A script runs whole or not at all, as MULTI/EXEC does.

Two more are compare-and-act steps that a GET and a DELETE (or EXPIRE) could not make safe: a
claim on building an answer (``api.capacity._Claim``) is given up or extended by its owner only
(``delete_if_held``, ``touch_if_held``), never after it expired and another took it.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# SET each key (KEYS) to its value (ARGV, in the same order), living the last ARGV's seconds.
_SET_MANY_SCRIPT = """
local seconds = tonumber(ARGV[#KEYS + 1])
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i], 'EX', seconds)
end
return #KEYS
"""
# Count one more in KEYS[1]; the first count starts its life of ARGV[1] seconds.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""

# DEL KEYS[1], or give it ARGV[2] seconds more, only while it holds ARGV[1]: a claim given up or
# extended by its owner alone, even when it expired and another claimed it meanwhile.
_DELETE_IF_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_TOUCH_IF_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# The process's pools (by server and options), their clients and their scripts: a pool is
# never dropped, so its id names it for as long as the process lives.
_pools: dict[tuple[str, str], Any] = {}  # by server, and the pool's class and options
_clients: dict[int, Any] = {}
_scripts: dict[tuple[int, str], Any] = {}
_shared_lock = threading.Lock()


class SharedClientRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        # Django's own private attributes, which its stubs do not declare.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        server = self._servers[index]  # type: ignore[attr-defined]
        options = repr(sorted(self._pool_options.items()))  # type: ignore[attr-defined]
        key = (server, f"{self._pool_class!r} {options}")  # type: ignore[attr-defined]
        pool = _pools.get(key)
        if pool is None:
            with _shared_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(  # type: ignore[attr-defined]
                        server,
                        **self._pool_options,  # type: ignore[attr-defined]
                    )
        return pool

    def script(self, source: str, client: Any) -> Any:
        """redis-py's ``Script`` of ``source`` on ``client`` (it loads itself on the server
        the first time it is not found there), kept per client."""
        key = (id(client), source)
        script = _scripts.get(key)
        if script is None:
            script = _scripts.setdefault(key, client.register_script(source))
        return script

    def set_many(self, data, timeout):
        if not data or not timeout:  # kept for ever (None), or deleted at once (0): Django's
            return super().set_many(data, timeout)
        client = self.get_client(None, write=True)
        keys = list(data)
        values = [self._serializer.dumps(data[key]) for key in keys]  # type: ignore[attr-defined]
        self.script(_SET_MANY_SCRIPT, client)(keys=keys, args=[*values, int(timeout)])
        return []

    def count(self, key: str, timeout: int) -> int:
        client = self.get_client(key, write=True)
        return int(self.script(_COUNT_SCRIPT, client)(keys=[key], args=[timeout]))

    def delete_if(self, key: str, value: str) -> bool:
        client = self.get_client(key, write=True)
        held = self._serializer.dumps(value)  # type: ignore[attr-defined]
        return bool(self.script(_DELETE_IF_SCRIPT, client)(keys=[key], args=[held, 0]))

    def touch_if(self, key: str, value: str, timeout: int) -> bool:
        client = self.get_client(key, write=True)
        held = self._serializer.dumps(value)  # type: ignore[attr-defined]
        return bool(self.script(_TOUCH_IF_SCRIPT, client)(keys=[key], args=[held, timeout]))

    def get_client(self, key=None, *, write=False):
        # Django's own private helpers, which its stubs do not declare.
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            with _shared_lock:
                new = self._client(connection_pool=pool)  # type: ignore[attr-defined]
                client = _clients.setdefault(id(pool), new)
        return client


class SharedClientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a shared client per pool."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


def counter_incr(key: str, *, timeout: int) -> int:
    """Count one more in a counter of the shared cache that lives ``timeout`` seconds from its
    first count (a throttle's window), atomically, and return the count.

    On the project's Redis cache (``SharedClientRedisCache``), one round trip: a script that
    counts (INCR) and, on the first count, sets the expiry (EXPIRE; any Redis version, unlike
    EXPIRE NX, which needs 7.0). Django's ``add`` then ``incr`` took three (SET NX, EXISTS,
    INCRBY), each costing a sign-up CPU in this process, in Redis and in the kernel
    (``bench/registrations.py``). Other caches (the embedded default, Django's own Redis
    cache): ``add`` then ``incr``."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    client = _shared_client(backend)
    if client is not None:
        return client.count(backend.make_and_validate_key(key), timeout)
    backend.add(key, 0, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1


def _shared_client(backend) -> SharedClientRedisCacheClient | None:
    if isinstance(backend, RedisCache) and isinstance(backend._cache, SharedClientRedisCacheClient):
        return backend._cache
    return None


def delete_if_held(key: str, value: str) -> bool:
    """Delete ``key`` of the shared cache only while it holds ``value`` (a claim's owner's
    token), in one step: a GET then a DELETE could delete the claim of another, who took it in
    between after this one's had expired. On the project's Redis cache, one script; on other
    caches (the embedded default: one process), GET and DELETE under the process's lock."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    client = _shared_client(backend)
    if client is not None:
        return client.delete_if(backend.make_and_validate_key(key), value)
    with _held_lock:
        return backend.get(key) == value and bool(backend.delete(key))


def touch_if_held(key: str, value: str, *, timeout: int) -> bool:
    """Give ``key`` ``timeout`` seconds more only while it holds ``value``, in one step (see
    ``delete_if_held``)."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    client = _shared_client(backend)
    if client is not None:
        return client.touch_if(backend.make_and_validate_key(key), value, timeout)
    with _held_lock:
        return backend.get(key) == value and bool(backend.touch(key, timeout))


_held_lock = threading.Lock()
