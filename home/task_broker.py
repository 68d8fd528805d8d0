"""django-q2's Redis broker, with one Redis client (and its connection pool) per process.

django-q2 builds a broker, and with it a new Redis client, for every ``async_task``: on the
sign-up path each request paid a TCP connect and the client's handshake commands for the one
task it enqueues. This broker keeps one client per process (a new one after a fork, since a
pool must not cross a fork); nothing else changes, so it is a subclass, not a new broker.
"""

from __future__ import annotations

import os

import redis
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf

_clients: dict[tuple[int, str], redis.Redis] = {}


class PooledRedisBroker(Redis):
    @staticmethod
    def get_connection(list_key: str | None = None) -> redis.Redis:
        key = (os.getpid(), str(Conf.REDIS))  # per process, and per address configured
        client = _clients.get(key)
        if client is None:
            if any(pid != key[0] for pid, _ in _clients):
                _clients.clear()  # a forked child drops its parent's clients
            client = _clients[key] = redis.from_url(Conf.REDIS)
        return client
