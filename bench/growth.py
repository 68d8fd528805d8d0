"""How the events list and the feed grow with the number of events: 500, 2,000 and 10,000.

    .venv/bin/python bench/growth.py [--sizes 500 2000 10000] [--plot bench/results/growth.png]

Each size has its shared SQLite file in /tmp, seeded once (bench/common.py). Cold measures (the
response cache is cleared first): an events list page of 20 and the full feed; and the feed's
peak memory.
Writes a PNG plot (matplotlib, no outside service) and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(size: int) -> dict:
    from common import caches_empty, median_seconds, setup, use_database_of

    use_database_of(size)

    setup(events=size, registrations=size * 10)
    import tracemalloc

    from django.test import Client

    client = Client()

    def cold(path: str):
        def run():
            caches_empty()
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        return run

    events_list = median_seconds(cold("/api/v1/events/?page_size=20"), runs=5)
    feed = median_seconds(cold("/feeds/events.ics"), runs=3)
    caches_empty()
    tracemalloc.start()
    body = cold("/feeds/events.ics")()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "events": size,
        "list_ms": events_list * 1000,
        "feed_ms": feed * 1000,
        "feed_peak_mb": peak / 2**20,
        "feed_mb": len(body.content) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--plot", default=str(HERE / "results" / "growth.png"))
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    results = []
    for size in args.sizes:
        out = subprocess.run(  # noqa: S603 - this script, one size per process
            [sys.executable, __file__, "--measure", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))

    print(f"\n{'events':>8} {'list ms':>9} {'feed ms':>9} {'feed MB':>8} {'peak MB':>8}")
    for r in results:
        print(
            f"{r['events']:>8} {r['list_ms']:>9.1f} {r['feed_ms']:>9.0f} "
            f"{r['feed_mb']:>8.1f} {r['feed_peak_mb']:>8.1f}"
        )
    first, last = results[0], results[-1]
    growth = last["events"] / first["events"]
    print(
        f"\n{first['events']} → {last['events']} events ({growth:.0f}×): events list "
        f"{last['list_ms'] / first['list_ms']:.1f}×, "
        f"feed {last['feed_ms'] / first['feed_ms']:.1f}×, "
        f"feed peak memory {last['feed_peak_mb'] / first['feed_peak_mb']:.1f}× "
        f"(feed size {last['feed_mb'] / first['feed_mb']:.1f}×)"
    )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["events"] for r in results]
    fig, left = plt.subplots(figsize=(7, 4.2))
    left.plot(sizes, [r["feed_ms"] for r in results], "o-", label="fuldt feed (ms)")
    left.plot(sizes, [r["list_ms"] for r in results], "s-", label="arrangementsliste, 20 (ms)")
    left.set_xlabel("arrangementer")
    left.set_ylabel("millisekunder (kold)")
    left.set_xscale("log")
    left.set_yscale("log")
    left.grid(True, which="both", alpha=0.3)
    left.legend(loc="upper left")
    left.set_title("Omkostning ved voksende indhold")
    Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
