"""Who is asking, as far as the operator's proxies vouch for it, and the sign-up throttle.

Client identity never comes from a header the client can set. ``NUM_PROXIES`` (the
``NUM_PROXIES`` environment variable) declares how many proxies the operator runs in front of
the web servers: with none, the client is the address the connection came from
(``REMOTE_ADDR``); with ``n``, it is the address ``n`` hops from the right of
``X-Forwarded-For``, the entry the outermost of the operator's proxies appended. Everything to
the left of it is whatever the client sent, and is ignored.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from home.cache import counter_incr

# One IPv6 client holds a /64 at the least (RFC 6177): counted per address, it would have 2**64.
IPV6_PREFIX = 64


def num_proxies() -> int:
    return int(api_settings.NUM_PROXIES or 0)


def _address(value: str | None) -> str | None:
    """An IP address in canonical form (IPv6 as its /64), or None for anything else."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def client_address(request) -> str:
    """The client's address as the declared proxies report it (see the module's docstring).

    With fewer ``X-Forwarded-For`` entries than declared proxies, the left-most is taken: it was
    still appended by one of the operator's proxies (the request skipped the outer ones). An
    entry that is no IP address means the proxies are not what was declared; the connection's
    own address is used then, which no client can choose."""
    remote = _address(request.META.get("REMOTE_ADDR")) or "unknown"
    hops = num_proxies()
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return remote
    return _address(entries[-min(hops, len(entries))]) or remote


class FixedWindowThrottle(BaseThrottle):
    """``rate`` (DRF's ``"30/minute"``) per client address and fixed window, counted with the
    shared cache's atomic ``incr`` (Redis in production), so concurrent requests in any
    number of web processes cannot slip past the count as a read-then-write history can.

    The rate is read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]`` when asked, so
    settings can change it."""

    scope = ""

    def _rate(self) -> tuple[int, int] | None:
        rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
        if not rate:
            return None
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]

    def allow_request(self, request, view) -> bool:
        rate = self._rate()
        if rate is None:
            return True
        allowed, duration = rate
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{client_address(request)}:{duration}:{window}"
        count = counter_incr(key, timeout=duration + 1)
        self._wait = (window + 1) * duration - now
        return count <= allowed

    def wait(self) -> float | None:
        return max(getattr(self, "_wait", 0.0), 1.0)


class RegistrationThrottle(FixedWindowThrottle):
    scope = "registrations"
