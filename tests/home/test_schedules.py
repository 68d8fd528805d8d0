"""The pipeline's schedules, written by name, and scheduled publishing never run twice at once."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from home import tasks as home_tasks
from home.locks import cache_lock, exclusive
from home.models import KnowledgePage
from home.provisioning import schedules
from home.provisioning.schedules import schedules_ensure
from home.tasks import publish_scheduled_pages

EXPECTED = {
    "publish-scheduled-pages": ("home.tasks.publish_scheduled_pages", Schedule.MINUTES, 1),
    "webhooks-sweep": ("api.webhooks.tasks.webhooks_sweep", Schedule.MINUTES, 1),
    "emails-sweep": ("events.mail.tasks.emails_sweep", Schedule.MINUTES, 1),
    "reminders-send-due": ("events.mail.tasks.reminders_send_due", Schedule.MINUTES, 1),
    "offers-expire-due": ("events.registrations.tasks.offers_expire_due", Schedule.MINUTES, 1),
    "evaluations-send-due": (
        "events.evaluations.tasks.evaluations_send_due_task",
        Schedule.MINUTES,
        15,
    ),
    "webinar-meetings-sweep": ("events.webinars.tasks.meetings_sweep", Schedule.MINUTES, 1),
    "webinar-registrants-sweep": ("events.webinars.tasks.registrants_sweep", Schedule.MINUTES, 1),
    "webinar-imports-due": ("events.webinars.tasks.imports_due", Schedule.MINUTES, 5),
    "retention-daily": ("events.retention.tasks.retention_run", Schedule.DAILY, None),
}


def _rows() -> dict[str, tuple]:
    return {
        s.name: (s.func, s.schedule_type, s.minutes)
        for s in Schedule.objects.filter(name__in=EXPECTED)
    }


def test_schedules_ensure_twice_leaves_one_row_per_name(db):
    schedules_ensure()
    first_runs = dict(Schedule.objects.values_list("name", "next_run"))
    schedules_ensure()
    assert Schedule.objects.filter(name__in=EXPECTED).count() == len(EXPECTED)
    assert _rows() == EXPECTED
    # A redeploy does not move the next run.
    assert dict(Schedule.objects.values_list("name", "next_run")) == first_runs


def test_schedules_ensure_repairs_duplicates_and_stale_rows(db):
    Schedule.objects.create(name="webhooks-sweep", func="old.module.func", schedule_type="H")
    Schedule.objects.create(name="webhooks-sweep", func="old.module.func", schedule_type="H")
    schedules_ensure()
    assert Schedule.objects.filter(name="webhooks-sweep").count() == 1
    assert _rows()["webhooks-sweep"] == EXPECTED["webhooks-sweep"]


def test_retention_runs_daily_at_three_in_the_morning_copenhagen_time(db):
    schedules_ensure()
    next_run = timezone.localtime(Schedule.objects.get(name="retention-daily").next_run)
    assert (next_run.hour, next_run.minute) == (3, 0)
    assert timezone.now() < next_run <= timezone.now() + timedelta(days=1)


def test_setup_centre_writes_the_schedules(db):
    call_command("setup_centre", verbosity=0)
    call_command("setup_centre", verbosity=0)
    assert _rows() == EXPECTED


OLD_TASK_PATHS = {
    "home.schedules.publish_scheduled_pages": "home.tasks.publish_scheduled_pages",
    "api.tasks.webhooks_sweep": "api.webhooks.tasks.webhooks_sweep",
    "api.tasks.webhook_deliver": "api.webhooks.tasks.webhook_deliver",
    "api.tasks.webhooks_dispatch": "api.webhooks.tasks.webhooks_dispatch",
    "api.tasks.cdn_purge": "api.cdn.tasks.cdn_purge",
    "events.tasks.email_deliver": "events.mail.tasks.email_deliver",
    "events.tasks.emails_sweep": "events.mail.tasks.emails_sweep",
    "events.tasks.reminders_send_due": "events.mail.tasks.reminders_send_due",
    "events.tasks.retention_run": "events.retention.tasks.retention_run",
}


def test_setup_centre_rewrites_schedules_that_name_a_task_by_its_old_path(db):
    """An installation upgraded from before the sub-packages: its rows name the old paths."""
    old_by_name = {
        "publish-scheduled-pages": "home.schedules.publish_scheduled_pages",
        "webhooks-sweep": "api.tasks.webhooks_sweep",
        "emails-sweep": "events.tasks.emails_sweep",
        "reminders-send-due": "events.tasks.reminders_send_due",
        "retention-daily": "events.tasks.retention_run",
    }
    schedules_ensure()
    next_runs = dict(Schedule.objects.values_list("name", "next_run"))
    for name, old in old_by_name.items():
        Schedule.objects.filter(name=name).update(func=old)
    call_command("setup_centre", verbosity=0)
    assert _rows() == EXPECTED
    assert dict(Schedule.objects.values_list("name", "next_run")) == next_runs


@pytest.mark.parametrize("old,new", sorted(OLD_TASK_PATHS.items()))
def test_a_task_queued_under_its_old_path_still_runs_the_same_function(old, new):
    from django.utils.module_loading import import_string

    assert import_string(old) is import_string(new)


def test_every_scheduled_function_exists(db):
    from django.utils.module_loading import import_string

    for spec in schedules.SCHEDULES:
        assert callable(import_string(spec.func))


class HeldElsewhere:
    """Hold a lock from another thread (its own database connection), as another worker would."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.acquired: bool | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        from django.db import connection

        try:
            with exclusive(self.name) as acquired:
                self.acquired = acquired
                self.held.set()
                self.release.wait(10)
        finally:
            connection.close()

    def __enter__(self) -> HeldElsewhere:
        self.thread.start()
        assert self.held.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(10)


def test_the_lock_has_one_holder_at_a_time_across_threads(db):
    with HeldElsewhere("test-lock") as other:
        assert other.acquired is True
        with exclusive("test-lock") as acquired:
            assert acquired is False
    with exclusive("test-lock") as acquired:
        assert acquired is True


def test_publish_is_skipped_while_another_run_holds_the_lock(db, monkeypatch):
    calls = []
    monkeypatch.setattr(home_tasks, "call_command", lambda *a, **k: calls.append(a))
    with HeldElsewhere(home_tasks.PUBLISH_LOCK):
        assert publish_scheduled_pages() == "skipped"
    assert calls == []
    assert publish_scheduled_pages() == "done"
    assert calls == [("publish_scheduled",)]


def test_a_page_scheduled_for_now_is_published_by_the_task(knowledge_page):
    page = knowledge_page
    page.title = "Ny titel, planlagt"
    page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    page.refresh_from_db()
    assert page.title != "Ny titel, planlagt"
    assert publish_scheduled_pages() == "done"
    page.refresh_from_db()
    assert page.title == "Ny titel, planlagt"


@pytest.fixture(params=["locmem", "redis"])
def lock_cache(request):
    """The cache lock on a process-local cache, and on Redis as every machine shares it."""
    if request.param == "locmem":
        yield LocMemCache(f"locks-{uuid.uuid4()}", {})
        return
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    redis_cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-lock-{os.getpid()}"})
    yield redis_cache
    redis_cache.delete("lock:publish")


def test_the_cache_lock_has_one_holder_and_is_free_again_after(lock_cache):
    with cache_lock("publish", ttl=60, lock_cache=lock_cache) as first:
        assert first is True
        with cache_lock("publish", ttl=60, lock_cache=lock_cache) as second:
            assert second is False
        # The loser's exit released nothing.
        assert lock_cache.get("lock:publish") is not None
    with cache_lock("publish", ttl=60, lock_cache=lock_cache) as again:
        assert again is True
    assert lock_cache.get("lock:publish") is None


def test_the_cache_lock_is_released_only_by_its_owner(lock_cache):
    slow = cache_lock("publish", ttl=60, lock_cache=lock_cache)
    assert slow.__enter__() is True
    lock_cache.delete("lock:publish")  # the slow run's lock ran out …
    other = cache_lock("publish", ttl=60, lock_cache=lock_cache)
    assert other.__enter__() is True  # … and another worker took it
    slow.__exit__(None, None, None)  # the slow run ends: it must not free the other's lock
    assert lock_cache.get("lock:publish") is not None
    with cache_lock("publish", ttl=60, lock_cache=lock_cache) as third:
        assert third is False
    other.__exit__(None, None, None)
    assert lock_cache.get("lock:publish") is None


def test_the_cache_lock_expires_with_its_ttl(lock_cache):
    """A worker killed while holding the lock blocks scheduled publishing only for the TTL."""
    held = cache_lock("publish", ttl=60, lock_cache=lock_cache)
    assert held.__enter__() is True
    if isinstance(lock_cache, RedisCache):
        key = lock_cache.make_and_validate_key("lock:publish")
        ttl = lock_cache._cache.get_client(key).ttl(key)
        assert 0 < ttl <= 60
    # Past its expiry (set by hand here rather than waited for) the next run gets it.
    lock_cache.touch("lock:publish", 0)
    with cache_lock("publish", ttl=60, lock_cache=lock_cache) as next_run:
        assert next_run is True
    held.__exit__(None, None, None)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_with_redis_scheduled_publishing_locks_in_the_shared_cache(db, monkeypatch):
    assert isinstance(caches["default"], RedisCache)
    calls = []
    monkeypatch.setattr(home_tasks, "call_command", lambda *a, **k: calls.append(a))
    with cache_lock(home_tasks.PUBLISH_LOCK, ttl=60) as held:
        assert held is True
        assert publish_scheduled_pages() == "skipped"
    assert calls == []
    assert publish_scheduled_pages() == "done"


@pytest.fixture
def knowledge_page(centre):
    from home.demo import knowledge_seed, vocabulary_seed

    vocabulary_seed()
    knowledge_seed()
    return KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
