"""``home.cache``: the throttle's count (``counter_incr``), ``set_many`` and a claim's
compare-and-delete and compare-and-touch (``delete_if_held``, ``touch_if_held``), one script
each on Redis."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from home import cache as home_cache
from home.cache import counter_incr, delete_if_held, touch_if_held

REDIS_CACHE = {
    "default": {
        "BACKEND": "home.cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"test-counter-{os.getpid()}",
    }
}
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


KEYS = ("window", "another-window", "seats", "seats-of-7", "claim")


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


def forget_scripts() -> None:
    """The process's scripts as after a restart of Redis: their digests unknown to the server
    (each Script asks for a digest no server has), without SCRIPT FLUSH, which would be every
    other test process's too."""
    for script in home_cache._scripts.values():
        script.sha = "0" * 40


def scripts_run() -> set[str]:
    """The sources of the scripts the shared client has loaded (``forget_scripts`` then a
    call: the ones that ran since)."""
    return {source for (_, source), script in home_cache._scripts.items() if script.sha != "0" * 40}


def redis_client_of(key: str):
    from django.core.cache import caches

    backend = caches["default"]
    made = backend.make_and_validate_key(key)
    return made, backend._cache.get_client(made, write=True)


def test_a_count_survives_the_server_forgetting_its_scripts(counting_cache):
    if counting_cache != "redis":
        pytest.skip("Redis's scripts")
    assert counter_incr("window", timeout=60) == 1
    forget_scripts()  # as after a restart of Redis: the script is loaded again
    assert counter_incr("window", timeout=60) == 2
    assert scripts_run() == {home_cache._COUNT_SCRIPT}


def test_set_many_sets_every_value_with_its_life(counting_cache):
    values = {"seats": "v-1", "seats-of-7": {"version": 7}}
    assert cache.set_many(values, 60) == []
    assert cache.get_many(values) == values
    cache.set_many({"seats": 12}, 60)  # an int, which Django's serializer keeps as it is
    assert cache.get("seats") == 12
    assert cache.incr("seats") == 13  # stored as a number, as Django's set_many stores it
    if counting_cache == "redis":
        for key in values:
            made, client = redis_client_of(key)
            assert 0 < client.ttl(made) <= 60
        forget_scripts()
        cache.set_many({"seats": "v-2"}, 60)
        assert cache.get("seats") == "v-2"
        assert scripts_run() == {home_cache._SET_MANY_SCRIPT}


@pytest.mark.parametrize("timeout", [None, 0])
def test_set_many_for_ever_or_at_once_as_django_does(counting_cache, timeout):
    cache.set_many({"seats": "v-1"}, timeout)
    if timeout is None:
        assert cache.get("seats") == "v-1"
        if counting_cache == "redis":
            made, client = redis_client_of("seats")
            assert client.ttl(made) == -1  # no expiry
    else:
        assert cache.get("seats") is None


def test_the_threads_share_the_process_s_connections(counting_cache):
    """Django keeps a cache object per thread; their Redis connections are the process's, so
    a thread's first request opens none when another thread has one free (the warm-up's)."""
    if counting_cache != "redis":
        pytest.skip("Redis's connections")
    import threading

    from django.core.cache import caches

    seen = []

    def use() -> None:
        backend = caches["default"]
        backend.get("window")
        seen.append((backend, backend._cache._get_connection_pool(True)))

    use()
    opened = seen[0][1]._created_connections
    for _ in range(3):  # one after another: the connection is free each time
        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
    assert len({id(backend) for backend, _ in seen}) == 4  # a cache object per thread
    assert len({id(pool) for _, pool in seen}) == 1  # one pool
    assert seen[0][1]._created_connections == opened  # and no new connection


def test_a_claim_is_given_up_only_by_its_owner(counting_cache):
    cache.set("claim", "owner-a", timeout=60)
    forget_scripts()
    assert not delete_if_held("claim", "owner-b")
    assert cache.get("claim") == "owner-a"
    assert delete_if_held("claim", "owner-a")
    assert cache.get("claim") is None
    assert not delete_if_held("claim", "owner-a")  # nothing held any more
    if counting_cache == "redis":  # one step on the server, not a GET then a DELETE
        assert scripts_run() == {home_cache._DELETE_IF_SCRIPT}


def test_an_expired_claim_taken_by_another_is_not_given_up_or_extended_by_the_first(
    counting_cache,
):
    """A's claim ran out and B claimed the answer: A, finishing late, leaves B's alone
    (``api.capacity._Claim``)."""
    from api.capacity import _Claim

    first = _Claim("claim", 30)
    assert first.owned
    cache.delete("claim")  # its time ran out
    second = _Claim("claim", 30)
    assert second.owned
    first.extend(30)
    first.give_up()
    assert cache.get("claim") == second.token
    assert not touch_if_held("claim", first.token, timeout=60)
    assert touch_if_held("claim", second.token, timeout=60)
    second.give_up()
    assert cache.get("claim") is None


def test_a_claim_extended_by_its_owner_lives_longer(counting_cache):
    if counting_cache != "redis":
        pytest.skip("the local cache keeps no expiry to read")
    key, client = redis_client_of("claim")
    cache.set("claim", "owner-a", timeout=5)
    forget_scripts()
    assert touch_if_held("claim", "owner-a", timeout=60)
    assert scripts_run() == {home_cache._TOUCH_IF_SCRIPT}
    assert 5 < client.ttl(key) <= 60
    assert not touch_if_held("claim", "owner-b", timeout=600)
    assert client.ttl(key) <= 60
