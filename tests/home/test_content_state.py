"""The content version every GET reads, in hand-written SQL: the same answer as the ORM's, with
an aware time, on SQLite and PostgreSQL alike; and the Redis cache's shared client."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db.models import Max

from home.cache import SharedClientRedisCache
from home.models.changes import ContentChange
from home.selectors import content_state
from tests.markers import needs_postgres

pytestmark = pytest.mark.django_db


def test_an_empty_log_is_version_zero_at_a_fixed_time():
    ContentChange.objects.all().delete()
    state = content_state()
    assert state.version == 0
    assert state.last_modified == datetime(2021, 1, 1, tzinfo=UTC)


def test_the_version_is_the_newest_change_and_its_time_is_aware():
    for n in range(3):
        ContentChange.objects.create(object_type="page", object_id=n, action="published")
    state = content_state()
    expected = ContentChange.objects.aggregate(version=Max("id"), last_modified=Max("changed_at"))
    assert state.version == expected["version"]
    assert state.last_modified == expected["last_modified"]
    assert state.last_modified.utcoffset() is not None


def test_a_change_moves_the_version_at_once():
    before = content_state().version
    ContentChange.objects.create(object_type="page", object_id=1, action="changed")
    assert content_state().version > before


def test_the_redis_cache_builds_one_client_per_pool_for_all_threads():
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/15", {})
    client = cache._cache.get_client("a")
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(cache._cache.get_client("b"))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(other is client for other in seen)
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_change_log_ids_become_visible_in_their_order():
    """A publish that has written its row but not committed holds back a later one: the later id
    must not be visible (as the content version, as the change feed's cursor) before it."""
    from django.db import connection, transaction

    from home.signal_handlers import change_record

    recorded: dict[str, int] = {}
    first_written, first_may_commit = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                recorded["first"] = change_record(object_type="page", object_id=1, action="x").pk
                first_written.set()
                first_may_commit.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            recorded["second"] = change_record(object_type="page", object_id=2, action="y").pk
        finally:
            connection.close()

    before = content_state().version
    one = threading.Thread(target=first)
    one.start()
    assert first_written.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "a later change committed while an earlier one was open"
    assert content_state().version == before
    first_may_commit.set()
    one.join(10)
    two.join(10)
    assert recorded["first"] < recorded["second"] == content_state().version
