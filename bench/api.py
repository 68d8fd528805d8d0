"""The events API against Wagtail's own API v2 on the same events, in one process.

    .venv/bin/python bench/api.py [--events 2000] [--runs 7]

Prints: SQL queries of an events list at page sizes 20 and 100 (goal: the same, at most 8);
an events list page of 20 with all fields vs Wagtail's API v2 pages listing the same EventPages
with fields=* (goal: ≥ 2× faster); a 304 revalidation vs the full response (goal: ≥ 10×).
Cold builds: the shared response cache is cleared before every timed full request.
"""

from __future__ import annotations

import argparse

from common import caches_empty, median_seconds, setup, table, use_database_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    use_database_of(args.events)
    setup(events=args.events, registrations=args.events * 10)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    ours = "/api/v1/events/?page_size=20"
    theirs = "/wagtail-api/v2/pages/?type=events.EventPage&fields=*&limit=20"

    def get(url: str, **headers):
        response = client.get(url, **headers)
        assert response.status_code in (200, 304), (url, response.status_code)
        return response

    def queries(url: str) -> int:
        caches_empty()
        get(url)  # warm Wagtail's site-root cache and the vocabulary after the clear
        with CaptureQueriesContext(connection) as ctx:
            get(url + "&fresh=1")
        return len(ctx.captured_queries)

    q20 = queries("/api/v1/events/?page_size=20")
    q100 = queries("/api/v1/events/?page_size=100")

    ours_s = median_seconds(lambda: (caches_empty(), get(ours)), runs=args.runs)
    theirs_s = median_seconds(lambda: (caches_empty(), get(theirs)), runs=args.runs)
    full_s = median_seconds(lambda: (caches_empty(), get(ours)), runs=args.runs)
    # After the last emptying: the seats version lives in the cache, and a lost one changes the
    # ETag (never keeps it), so an ETag taken before an emptying is rightly no longer current.
    etag = get(ours)["ETag"]
    revalidate_s = median_seconds(lambda: get(ours, HTTP_IF_NONE_MATCH=etag), runs=args.runs * 3)
    assert get(ours, HTTP_IF_NONE_MATCH=etag).status_code == 304

    table(
        f"Events API, {args.events} events (medians of {args.runs} runs)",
        [
            ("SQL queries, page_size=20", str(q20), "same as 100, ≤ 8"),
            ("SQL queries, page_size=100", str(q100), ""),
            ("events list, 20 items, all fields", f"{ours_s * 1000:.1f} ms", ""),
            ("Wagtail API v2, same 20, fields=*", f"{theirs_s * 1000:.1f} ms", ""),
            ("speed-up vs Wagtail API v2", f"{theirs_s / ours_s:.1f}×", "≥ 2×"),
            ("full response (cold)", f"{full_s * 1000:.1f} ms", ""),
            ("304 revalidation", f"{revalidate_s * 1000:.2f} ms", ""),
            ("304 vs full", f"{full_s / revalidate_s:.0f}×", "≥ 10×"),
        ],
    )


if __name__ == "__main__":
    main()
