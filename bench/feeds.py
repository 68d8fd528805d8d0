"""Benchmark of the calendar feeds (issue 5); prints ratios, medians over several runs.

    .venv/bin/python bench/feeds.py [--events 2000] [--scale 5]

It uses the shared benchmark database of N events (bench/common.py: seeded once with
``seed_load``, N events and 10·N registrations) and measures, through django.test.Client in
one process:

1. a cold full feed (/feeds/events.ics, shared cache emptied first) against django-ical's
   feed of the same events (an ``ICalFeed`` subclass below); goal: at least 7x faster;
2. a revalidation (304) and a warm feed against a trivial view returning the same bytes as a
   constant; goal: at least half as fast as the constant view;
3. the peak memory (tracemalloc) of one cold feed request at N and at 5N events, and how it
   grows against the feed's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
import tracemalloc
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="events seeded (default 2000)")
    parser.add_argument("--scale", type=int, default=5, help="memory run at scale x events")
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold build")
    parser.add_argument("--warm-runs", type=int, default=50, help="runs of each warm request")
    return parser.parse_args()


ARGS = parse_args()
from common import caches_empty, database_path, setup, use_database_of  # noqa: E402

use_database_of(ARGS.events)
os.environ.pop("REDIS_URL", None)  # the shared cache is local memory: one process

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django_ical.views import ICalFeed  # noqa: E402

from api.views.feeds import feed_window_start  # noqa: E402
from events.ical import event_url, session_uid  # noqa: E402
from events.models import EventSession  # noqa: E402
from events.selectors import event_list_public  # noqa: E402

FEED = "/feeds/events.ics"


class DjangoIcalEventsFeed(ICalFeed):
    """The same events, one item per session, as a django-ical user would write it."""

    product_id = "-//Videnscenter//django-ical//DA"
    timezone = "Europe/Copenhagen"
    title = "Videnscenter om børneinddragelse"
    description = "Arrangementer"
    file_name = "videnscenter.ics"

    def items(self):
        events = event_list_public().filter(last_end__gte=feed_window_start())
        return [session for event in events for session in event.sessions.all()]

    def item_guid(self, item: EventSession) -> str:
        return session_uid(item)

    def item_title(self, item: EventSession) -> str:
        return item.event.title

    def item_description(self, item: EventSession) -> str:
        return item.event.teaser

    def item_link(self, item: EventSession) -> str:
        return event_url(item.event)

    def item_start_datetime(self, item: EventSession):
        return item.start

    def item_end_datetime(self, item: EventSession):
        return item.end

    def item_location(self, item: EventSession) -> str:
        return item.effective_location(item.event)

    def item_updateddate(self, item: EventSession):
        return item.event.last_published_at

    def item_timestamp(self, item: EventSession):
        return item.event.last_published_at

    def item_status(self, item: EventSession) -> str:
        return "CANCELLED" if item.effective_status(item.event) == "cancelled" else "CONFIRMED"


CONSTANT: dict[str, bytes] = {"body": b""}


def constant_view(request):
    return HttpResponse(CONSTANT["body"], content_type="text/calendar; charset=utf-8")


def install_urls() -> None:
    from cms import urls as project_urls

    module = types.ModuleType("bench_feeds_urls")
    module.urlpatterns = [
        path("bench/django-ical.ics", DjangoIcalEventsFeed()),
        path("bench/constant.ics", constant_view),
        *project_urls.urlpatterns,
    ]
    module.handler500 = project_urls.handler500
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def seed(total: int) -> None:
    """Bring the database to ``total`` seeded events and 10 registrations each."""
    started = time.perf_counter()
    setup(events=total, registrations=total * 10)
    print(f"  database ready in {time.perf_counter() - started:.0f} s")


def use_database(total: int) -> None:
    """Switch to the shared database of ``total`` events; a new one starts as a copy of the
    current one, so only the difference is seeded."""
    target = database_path(total)
    connection.close()
    if not target.exists():
        shutil.copyfile(connection.settings_dict["NAME"], target)
    connection.settings_dict["NAME"] = str(target)
    caches_empty()


def interleaved(client: Client, cases: dict[str, tuple], runs: int) -> dict[str, float]:
    """Median seconds of each case, the cases taking turns so that they share whatever else
    the machine is doing. A case is (url, headers, empty the shared cache first)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (url, headers, clear) in cases.items():
            if clear:
                caches_empty()
            started = time.perf_counter()
            response = client.get(url, **headers)
            times[name].append(time.perf_counter() - started)
            assert response.status_code in (200, 304), (url, response.status_code)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_memory(client: Client) -> tuple[int, int]:
    caches_empty()
    client.get(FEED)  # warms imports, Wagtail's site cache; then measure a cold build
    caches_empty()
    tracemalloc.start()
    response = client.get(FEED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, len(response.content)


def main() -> None:
    print(f"Database {connection.settings_dict['NAME']}, {ARGS.events} events (seed_load) …")
    seed(ARGS.events)
    install_urls()
    client = Client()
    client.get(FEED)  # first request: imports, site root paths
    client.get("/bench/django-ical.ics")
    sessions = EventSession.objects.filter(event__last_end__gte=feed_window_start()).count()

    body = client.get(FEED).content
    theirs_body = client.get("/bench/django-ical.ics").content
    vevents = body.count(b"BEGIN:VEVENT")
    assert vevents == theirs_body.count(b"BEGIN:VEVENT") == sessions, (vevents, sessions)
    cold = interleaved(
        client,
        {"ours": (FEED, {}, True), "theirs": ("/bench/django-ical.ics", {}, True)},
        ARGS.runs,
    )
    ours, theirs = cold["ours"], cold["theirs"]

    CONSTANT["body"] = body
    etag = client.get(FEED)["ETag"]
    warm_cases = {
        "warm": (FEED, {}, False),
        "304": (FEED, {"HTTP_IF_NONE_MATCH": etag}, False),
        "constant": ("/bench/constant.ics", {}, False),
    }
    hot = interleaved(client, warm_cases, ARGS.warm_runs)
    warm, revalidate, constant = hot["warm"], hot["304"], hot["constant"]

    peak_small, size_small = peak_memory(client)
    large = ARGS.events * ARGS.scale
    print(f"Growing a copy to {large} events for the memory run …")
    use_database(large)
    seed(large)
    peak_large, size_large = peak_memory(client)

    ms = 1000
    growth = (peak_large / peak_small) / (size_large / size_small)
    rows = [
        ("cold feed, ours", f"{ours * ms:.0f} ms", ""),
        ("cold feed, django-ical", f"{theirs * ms:.0f} ms", ""),
        ("  django-ical / ours", f"{theirs / ours:.1f}×", "goal ≥ 7×"),
        ("warm feed (shared cache)", f"{warm * ms:.2f} ms", ""),
        ("304 revalidation", f"{revalidate * ms:.2f} ms", ""),
        ("constant view, same bytes", f"{constant * ms:.2f} ms", ""),
        ("  constant / warm", f"{constant / warm:.2f}×", "goal ≥ 0.5×"),
        ("  constant / 304", f"{constant / revalidate:.2f}×", "goal ≥ 0.5×"),
        (f"peak memory, {ARGS.events} events", f"{peak_small / 2**20:.1f} MiB", ""),
        (f"  feed size, {ARGS.events} events", f"{size_small / 2**20:.1f} MiB", ""),
        (f"peak memory, {large} events", f"{peak_large / 2**20:.1f} MiB", ""),
        (f"  feed size, {large} events", f"{size_large / 2**20:.1f} MiB", ""),
        (
            "  memory growth / feed growth",
            f"{growth:.2f}×",
            "goal ≤ 1×",
        ),
    ]
    print(
        f"\nFeeds: {ARGS.events} events, {sessions} sessions in the window, medians of "
        f"{ARGS.runs} cold and {ARGS.warm_runs} warm runs"
    )
    width = max(len(r[0]) for r in rows)
    for label, value, goal in rows:
        print(f"  {label:<{width}}  {value:>10}  {goal}")


if __name__ == "__main__":
    main()
