"""What every benchmark shares: its database, seeded once, and honest timing.

Run a benchmark as ``.venv/bin/python bench/<name>.py``: it uses bench/settings.py and a SQLite
file in /tmp per size of data (``/tmp/videnscenter-bench-<events>.sqlite3``, DATABASE_URL to use
another), seeded with ``seed_load`` the first time and topped up after an interrupted seeding;
the scripts that need the same size share one file. Delete the files to seed afresh.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def database_path(events: int) -> Path:
    return Path(f"/tmp/videnscenter-bench-{events}.sqlite3")  # noqa: S108 - a throwaway file


def use_database_of(events: int) -> None:
    """Point Django (not yet set up) at the shared database of this size, unless DATABASE_URL
    says otherwise."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_path(events)}")


def setup(*, events: int = 2000, registrations: int = 20000) -> None:
    """Django, a migrated database, at least ``events`` seeded events and ``registrations``
    seeded registrations (the issue's load data: 2,000 events, 20,000 registrations)."""
    import django

    django.setup()
    from django.core.management import call_command

    from events.models import EventPage, Registration

    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup_centre", verbosity=0)
    call_command("seed_demo", verbosity=0)
    missing = events - EventPage.objects.filter(slug__startswith="belastning-").count()
    if missing > 0:
        print(f"seeding {missing} events (once; the database is kept in {db_name()}) …")
        call_command("seed_load", events=missing, seed=2026, verbosity=0)
    seeded = Registration.objects.filter(email__startswith="belastning-").count()
    if registrations > seeded:
        print(f"seeding {registrations - seeded} registrations (once) …")
        call_command("seed_load", registrations=registrations - seeded, seed=2026, verbosity=0)


def db_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def median_seconds(action: Callable[[], object], *, runs: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def table(title: str, rows: list[tuple[str, str, str]]) -> None:
    """Print rows of (measure, figure, goal) under a title."""
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}")
    print("-" * (width + 40))
    for measure, figure, goal in rows:
        print(f"{measure:<{width}}  {figure:>14}  {goal}")


def caches_empty() -> None:
    """Forget every built answer: the shared cache and this process's memo of recent answers
    by ETag (``api.caching``), so a "cold" request really builds its body."""
    from django.core.cache import cache

    from api import caching

    cache.clear()
    caching._recent.clear()
