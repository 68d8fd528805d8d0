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


def test_the_site_root_read_with_the_version_is_the_one_wagtail_finds(centre):
    """``content_state_and_site_root``: the default site's root as
    ``home.visibility.default_site_url_path`` finds it (the one site's, whether it is marked
    default or not; else the default one's; else none), in the same round trip as the version."""
    from wagtail.models import Page, Site

    from home.models.pages import HomePage
    from home.selectors import content_state_and_site_root
    from home.visibility import default_site_url_path

    def root():
        state, site_root = content_state_and_site_root()
        assert state == content_state()
        return site_root

    [site] = Site.objects.all()
    assert root() == default_site_url_path() == site.root_page.url_path
    Site.objects.filter(pk=site.pk).update(is_default_site=False)
    Site.clear_site_root_paths_cache()
    assert root() == default_site_url_path() == site.root_page.url_path  # the only one
    other_root = Page.get_first_root_node().add_child(instance=HomePage(title="Andet", slug="a"))
    other = Site.objects.create(hostname="andet.example", root_page=other_root)
    Site.clear_site_root_paths_cache()
    assert root() is None and default_site_url_path() is None  # two, and neither the default
    Site.objects.filter(pk=other.pk).update(is_default_site=True)
    Site.clear_site_root_paths_cache()
    assert root() == default_site_url_path() == other_root.url_path
