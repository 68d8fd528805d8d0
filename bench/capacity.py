"""Capacity under mixed load (issue 20): the old web process model against the new, in one run.

    .venv/bin/python bench/capacity.py [--seconds 20] [--steps 20,40,80,120,160] [--skip-search]

On the load test's database (`videnscenter_load` on the local PostgreSQL, 2,000 events, seeded
once by bench/loadtest.py's `prepare`) and Redis, for each process model in turn:

1. **Cheap answers under expensive ones.** Four clients request cold filtered feeds and lists
   back to back (every request a new query string, so every one is a build), while sixteen
   other clients (two processes of eight threads, keep-alive) revalidate warm feeds and lists
   (304) and fetch cached answers (200). Printed: the cheap stream's requests/s, p50 and p99,
   and how many builds were done and shed. Goal (new model): p99 ≤ 100 ms at ≥ 500 requests/s.
2. **Capacity.** The load test's mix (bench/locustfile.py, with a worker cluster for the
   sign-ups' emails) at rising numbers of users, `--seconds` each, after `--warm-up` seconds
   of it not counted (as the load test: an origin in service has a warm shared cache): the
   highest number whose p99 stays ≤ 500 ms with 0 errors, and its requests/s.

The models: "old" is what the Procfile ran before (gunicorn, 3 sync workers); "new" is
cms/gunicorn.conf.py (gthread: a process per core, 8 threads each). Both run the same code.
Only 127.0.0.1; every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import itertools
import multiprocessing
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import (  # noqa: E402
    PYTHON,
    REDIS,
    locust,
    prepare,
    start,
    stop,
    wait_until_up,
)

PORT = 8766
HOST = "127.0.0.1"
TYPES = [
    "conference",
    "webinar",
    "advisory_course",
    "competence_course",
    "workshop",
    "network_meeting",
]
CHEAP_PATHS = [
    "/feeds/events.ics",
    "/feeds/events.ics?partner=vive",
    "/feeds/events.ics?type=webinar",
    "/api/v1/events/?page_size=20",
    "/api/v1/events/?partner=vive&page_size=20",
    "/api/v1/partners/",
]
MODELS = {
    "old: gunicorn, 3 sync workers": ["--workers", "3", "--timeout", "60"],
    "new: cms/gunicorn.conf.py (gthread)": ["-c", "cms/gunicorn.conf.py"],
}


def gunicorn(options: list[str]) -> subprocess.Popen:
    return start([PYTHON, "-m", "gunicorn", *options, "cms.wsgi", "--bind", f"{HOST}:{PORT}"])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _get(conn_box: list, path: str, headers: dict) -> tuple[int, dict, float]:
    started = time.perf_counter()
    for attempt in range(2):
        try:
            conn = conn_box[0]
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            headers = dict(response.getheaders())
            if response.status >= 500:
                headers["body"] = body[:100]
            return response.status, headers, time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            conn_box[0].close()
            conn_box[0] = http.client.HTTPConnection(HOST, PORT, timeout=60)
            if attempt:
                return 0, {}, time.perf_counter() - started
    raise AssertionError("unreachable")


def cheap_process(etags: dict, until: float, threads: int, out) -> None:
    """Revalidations (two in three) and cached answers, as fast as answers come."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        box = [http.client.HTTPConnection(HOST, PORT, timeout=60)]
        mine = []
        while time.monotonic() < until:
            path = rng.choice(CHEAP_PATHS)
            headers = {"If-None-Match": etags[path]} if rng.random() < 2 / 3 else {}
            status, answer, seconds = _get(box, path, headers)
            mine.append((status, seconds))
            if status not in (200, 304):
                kind = "revalidation" if headers else "cached"
                print(f"    cheap {path} ({kind}): {status} {answer.get('body')}", flush=True)
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.send(results)


def cold_paths():
    """Endless new query strings over most of the catalogue: every one a cold build."""
    for n in itertools.count():
        rng = random.Random(n)
        chosen = rng.sample(TYPES, 5)
        formats = rng.sample(["physical", "online", "hybrid"], 3)
        query = f"type={','.join(chosen)}&format={','.join(formats)}"
        if n % 2:
            yield f"/api/v1/events/?{query}&page_size=100&page={1 + n % 3}"
        else:
            yield f"/feeds/events.ics?{query}"


def expensive_process(until: float, clients: int, out) -> None:
    paths = cold_paths()
    lock = threading.Lock()
    results: list[tuple[int, float]] = []

    def client() -> None:
        box = [http.client.HTTPConnection(HOST, PORT, timeout=60)]
        while time.monotonic() < until:
            with lock:
                path = next(paths)
            status, _, seconds = _get(box, path, {})
            with lock:
                results.append((status, seconds))
            if status == 503:
                time.sleep(0.2)  # a client honours a shed answer a little, as a CDN would

    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.send(results)


def mixed(seconds: int) -> dict:
    import redis

    # every model starts cold: no answer built in an earlier run or for the other model
    redis.Redis.from_url(REDIS).flushdb()
    box = [http.client.HTTPConnection(HOST, PORT, timeout=60)]
    etags = {}
    for path in CHEAP_PATHS:
        for _ in range(2):  # built once, then from the cache
            status, headers, _ = _get(box, path, {})
        assert status == 200, (path, status)
        etags[path] = headers["ETag"]
    context = multiprocessing.get_context("fork")
    until = time.monotonic() + seconds + 1
    pipes = []
    processes = []
    receive, send = context.Pipe(duplex=False)
    processes.append(context.Process(target=expensive_process, args=(until, 4, send)))
    pipes.append(receive)
    for _ in range(2):
        receive, send = context.Pipe(duplex=False)
        processes.append(context.Process(target=cheap_process, args=(etags, until, 8, send)))
        pipes.append(receive)
    processes[0].start()
    time.sleep(1)  # the builds are under way before the cheap stream is timed
    for process in processes[1:]:
        process.start()
    expensive = pipes[0].recv()
    cheap = [row for pipe in pipes[1:] for row in pipe.recv()]
    for process in processes:
        process.join()
    ok = [s for status, s in cheap if status in (200, 304)]
    built = [s for status, s in expensive if status == 200]
    return {
        "cheap_rps": len(cheap) / seconds,
        "cheap_p50": percentile(ok, 0.5) * 1000,
        "cheap_p99": percentile(ok, 0.99) * 1000,
        "cheap_errors": sum(1 for status, _ in cheap if status not in (200, 304)),
        "cheap_error_statuses": sorted({status for status, _ in cheap if status not in (200, 304)}),
        "builds": len(built),
        "build_p50": percentile(built, 0.5) * 1000,
        "shed": sum(1 for status, _ in expensive if status == 503),
        "build_errors": sum(1 for status, _ in expensive if status not in (200, 503)),
    }


def locust_step(users: int, seconds: int) -> dict:
    prefix = Path(f"/tmp/videnscenter-capacity-{users}")  # noqa: S108 - a throwaway file
    locust(users, seconds, f"http://{HOST}:{PORT}", prefix, quiet=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        rows = {row["Name"]: row for row in csv.DictReader(file)}
    total = rows["Aggregated"]
    return {
        "users": users,
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p99": float(total["99%"]),
        "errors": int(total["Failure Count"]),
    }


def capacity(steps: list[int], seconds: int, warm_up: int) -> tuple[dict | None, list[dict]]:
    tried = []
    best = None
    if warm_up:
        # As the load test: an origin in service has a warm shared cache (not counted).
        locust(
            steps[0], warm_up, f"http://{HOST}:{PORT}", Path("/tmp/capacity-warm-up"), quiet=True
        )
    for users in steps:
        result = locust_step(users, seconds)
        tried.append(result)
        print(
            f"    {users:>4} users: {result['rps']:7.1f} req/s, p50 {result['p50']:6.0f} ms, "
            f"p99 {result['p99']:6.0f} ms, {result['errors']} errors",
            flush=True,
        )
        if result["p99"] <= 500 and result["errors"] == 0:
            best = result
        else:
            break
    return best, tried


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--steps", default="20,40,80,120,160")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument(
        "--warm-up", type=int, default=15, help="seconds of the mix before the search, not counted"
    )
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    prepare(2000)

    results = {}
    for name, options in MODELS.items():
        print(f"\n== {name}", flush=True)
        web = gunicorn(options)
        workers = None
        try:
            wait_until_up(f"http://{HOST}:{PORT}/healthz")
            # no worker cluster yet: its schedules could change seats, and with them the
            # validators of the "cheap" answers
            mix = mixed(args.seconds)
            workers = start([PYTHON, "manage.py", "qcluster"])
            print(
                f"  cheap answers under 4 cold-build clients: {mix['cheap_rps']:.0f} req/s, "
                f"p50 {mix['cheap_p50']:.1f} ms, p99 {mix['cheap_p99']:.1f} ms, "
                f"{mix['cheap_errors']} errors {mix['cheap_error_statuses'] or ''}; "
                f"builds {mix['builds']} "
                f"(p50 {mix['build_p50']:.0f} ms), shed {mix['shed']}, "
                f"{mix['build_errors']} build errors",
                flush=True,
            )
            best, tried = (
                (None, []) if args.skip_search else capacity(steps, args.seconds, args.warm_up)
            )
            results[name] = (mix, best, tried)
        finally:
            stop(web)
            if workers:
                stop(workers)

    print(
        "\n| process model | cheap stream under cold builds "
        "| highest load test mix at p99 ≤ 500 ms, 0 errors |"
    )
    print("|---|---|---|")
    for name, (mix, best, _) in results.items():
        found = (
            f"{best['users']} users, {best['rps']:.0f} req/s (p99 {best['p99']:.0f} ms)"
            if best
            else "none of the steps"
        )
        print(f"| {name} | {mix['cheap_rps']:.0f} req/s, p99 {mix['cheap_p99']:.0f} ms | {found} |")
    (old_mix, old_best, _), (new_mix, new_best, _) = results.values()
    if old_mix["cheap_p99"] and new_mix["cheap_p99"]:
        print(
            f"\ncheap stream: {new_mix['cheap_rps'] / max(old_mix['cheap_rps'], 1e-9):.1f}× the "
            f"requests/s, p99 {old_mix['cheap_p99'] / new_mix['cheap_p99']:.1f}× shorter "
            "(new against old)"
        )
    if old_best and new_best:
        ratio = new_best["rps"] / old_best["rps"]
        print(f"capacity: {ratio:.1f}× the requests/s (new against old)")


if __name__ == "__main__":
    main()
