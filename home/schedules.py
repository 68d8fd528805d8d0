"""The pipeline's django-q2 schedules, and the scheduled-publishing task they run.

``schedules_ensure`` writes the ``Schedule`` rows by name, idempotently; ``setup_centre`` calls
it (never an import: every web and worker process would race to write them). However many
clusters run, on however many machines, the schedule table is shared, and django-q2 hands each
due schedule to one cluster.
"""

from __future__ import annotations

import fcntl
import logging
import secrets
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import Schedule

logger = logging.getLogger(__name__)

PUBLISH_LOCK = "publish-scheduled-pages"


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    at: time | None = None  # for daily schedules, local time (Europe/Copenhagen)


SCHEDULES = (
    ScheduleSpec("publish-scheduled-pages", "home.schedules.publish_scheduled_pages", "I", 1),
    ScheduleSpec("webhooks-sweep", "api.tasks.webhooks_sweep", "I", 1),
    ScheduleSpec("emails-sweep", "events.tasks.emails_sweep", "I", 1),
    ScheduleSpec("reminders-send-due", "events.tasks.reminders_send_due", "I", 1),
    ScheduleSpec("retention-daily", "events.tasks.retention_run", "D", at=time(3, 0)),
)


def _next_local(at: time) -> datetime:
    now = timezone.localtime()
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def schedules_ensure() -> list[Schedule]:
    """Create or update one ``Schedule`` per name; extra rows of the same name are removed.

    ``next_run`` is left alone on an existing row whose timing is unchanged, so re-running
    ``setup_centre`` on a deploy never shifts or skips a run.
    """
    ensured = []
    with transaction.atomic():
        for spec in SCHEDULES:
            rows = list(Schedule.objects.select_for_update().filter(name=spec.name).order_by("pk"))
            row = rows[0] if rows else Schedule(name=spec.name)
            if len(rows) > 1:
                Schedule.objects.filter(pk__in=[extra.pk for extra in rows[1:]]).delete()
            timing_changed = (
                row.pk is None
                or row.schedule_type != spec.schedule_type
                or row.minutes != spec.minutes
            )
            row.func = spec.func
            row.schedule_type = spec.schedule_type
            row.minutes = spec.minutes
            row.repeats = -1
            row.args = None
            row.kwargs = None
            if timing_changed:
                row.next_run = _next_local(spec.at) if spec.at else timezone.now()
            row.save()
            ensured.append(row)
    return ensured


# --- one at a time, across processes and machines -------------------------------------------

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


def publish_scheduled_pages() -> str:
    """Wagtail's scheduled publish and unpublish (every minute), never two at once."""
    with exclusive(PUBLISH_LOCK) as acquired:
        if not acquired:
            logger.info("publish_scheduled already running elsewhere; skipped")
            return "skipped"
        call_command("publish_scheduled", verbosity=0)
    return "done"
