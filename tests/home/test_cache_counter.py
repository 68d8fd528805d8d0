"""``home.cache.counter_incr``: the throttle's count, one round trip on Redis."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from home.cache import counter_incr

REDIS_CACHE = {
    "default": {
        "BACKEND": "home.cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"test-counter-{os.getpid()}",
    }
}
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


KEYS = ("window", "another-window")


@pytest.fixture(params=["redis", "local"])
def counting_cache(request, settings):
    # Only this test's keys are deleted: the Redis database may be another xdist worker's too.
    settings.CACHES = REDIS_CACHE if request.param == "redis" else LOCAL_CACHE
    cache.delete_many(KEYS)
    yield request.param
    cache.delete_many(KEYS)


def test_counts_up_from_one(counting_cache):
    assert [counter_incr("window", timeout=60) for _ in range(3)] == [1, 2, 3]
    assert counter_incr("another-window", timeout=60) == 1


def test_the_counter_lives_from_its_first_count_only(counting_cache):
    if counting_cache != "redis":
        pytest.skip("the local cache keeps no expiry to read")
    from django.core.cache import caches

    backend = caches["default"]
    key = backend.make_and_validate_key("window")
    client = backend._cache.get_client(key, write=True)
    counter_incr("window", timeout=60)
    client.expire(key, 5)  # time has passed
    counter_incr("window", timeout=60)
    assert 0 < client.ttl(key) <= 5  # a later count does not extend the window
    client.delete(key)  # the window ended
    counter_incr("window", timeout=60)
    assert 0 < client.ttl(key) <= 60
    assert int(client.get(key)) == 1
