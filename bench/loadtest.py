"""`make loadtest`: the web server with several processes on PostgreSQL and Redis, under about a
minute of mixed traffic from locust, on 127.0.0.1 only.

    .venv/bin/python bench/loadtest.py [--users 40] [--seconds 60] [--sync-workers N]

It creates (once) and seeds the database `videnscenter_load` on the local PostgreSQL with
`seed_load --events 2000`, starts gunicorn as production runs it (cms/gunicorn.conf.py;
`--sync-workers N` for the earlier model of N sync processes) and a django-q2 cluster against
it and Redis (database 3), runs locust headless, prints requests per second, p50, p95 and p99
per kind and the errors, and exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "videnscenter_load"
REDIS = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "REDIS_URL": REDIS,
        # one cache for all its processes, as in production (the test settings' default is a
        # prefix per process)
        "CACHE_KEY_PREFIX": "videnscenter-loadtest",
        "Q_SYNC": "0",
        "SIGNUP_EMAILS_RENDERED_BY_WORKERS": "1",  # as in production
        "Q_CLUSTER_NAME": "videnscenter-loadtest",
        "DB_CONN_MAX_AGE": "60",
        "REGISTRATION_THROTTLE_RATE": "1000000/minute",
    }


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env(), check=True)  # noqa: S603


def prepare(events: int) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "--noinput", "-v", "0")
    manage("setup_centre", "-v", "0")
    manage("seed_demo", "-v", "0")
    with psycopg.connect(f"{PG}/{DATABASE}") as conn:
        seeded = conn.execute(
            "SELECT count(*) FROM wagtailcore_page WHERE slug LIKE 'belastning-%%'"
        ).fetchone()[0]
    # The same start each run: an empty shared cache (the load test's own Redis database),
    # warmed by --warm-up.
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    if seeded < events:
        print(f"seeding {events - seeded} events into {DATABASE} (once) …", flush=True)
        manage("seed_load", "--events", str(events - seeded), "--seed", "2026")


def start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        cmd,
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not come up: {url}")


def report(prefix: Path) -> int:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    columns = ("requests", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"\n{'kind':<24} " + " ".join(f"{c:>9}" for c in columns) + f" {'errors':>7}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        failures = int(row["Failure Count"])
        if name != "all":
            errors += failures
        print(
            f"{name:<24} {row['Request Count']:>9} {float(row['Requests/s']):>9.1f} "
            f"{row['50%']:>9} {row['95%']:>9} {row['99%']:>9} {failures:>7}"
        )
    return errors


def locust(users: int, seconds: int, host: str, prefix: Path, *, quiet: bool = False) -> None:
    """Locust headless, the load test's mix, all users at once; its figures in ``prefix``'s
    CSV files. ``quiet``: errors only, nothing on the terminal (bench/capacity.py's steps)."""
    output = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if quiet else {}
    subprocess.run(  # noqa: S603
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR" if quiet else "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        check=False,
        timeout=seconds + 120,
        **output,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sync-workers", type=int, default=0)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument(
        "--publish-every", type=float, default=15, help="an editor republishes an event (0: none)"
    )
    parser.add_argument(
        "--warm-up", type=int, default=15, help="seconds of the same traffic first, not counted"
    )
    args = parser.parse_args()

    prepare(args.events)
    port = 8765
    host = f"http://127.0.0.1:{port}"
    if args.sync_workers:
        model = ["--workers", str(args.sync_workers), "--timeout", "60"]
        described = f"gunicorn, {args.sync_workers} sync workers"
    else:
        model = ["-c", "cms/gunicorn.conf.py"]
        described = "gunicorn as cms/gunicorn.conf.py runs it"
    web = start([PYTHON, "-m", "gunicorn", *model, "cms.wsgi", "--bind", f"127.0.0.1:{port}"])
    workers = start([PYTHON, "manage.py", "qcluster"])
    prefix = Path("/tmp/videnscenter-loadtest")
    publisher = None
    try:
        wait_until_up(f"{host}/healthz")
        if args.warm_up:
            # An origin in service has a warm shared cache; one just started with an empty one
            # sheds some of the first second's cold builds by design (api/capacity.py).
            print(f"warming up for {args.warm_up} s (not counted) …", flush=True)
            locust(args.users, args.warm_up, host, Path("/tmp/videnscenter-loadtest-warm-up"))
        print(
            f"{args.users} users for {args.seconds} s against {host} "
            f"({described}, PostgreSQL, Redis"
            + (f", a publish every {args.publish_every:g} s" if args.publish_every else "")
            + ") …",
            flush=True,
        )
        if args.publish_every:
            publisher = subprocess.Popen(  # noqa: S603
                [
                    PYTHON,
                    str(ROOT / "bench" / "publisher.py"),
                    "--every",
                    str(args.publish_every),
                    "--seconds",
                    str(args.seconds),
                ],
                cwd=ROOT,
                env=env(),
                start_new_session=True,
            )
        locust(args.users, args.seconds, host, prefix)
    finally:
        if publisher is not None:
            stop(publisher)
        stop(web)
        stop(workers)
    errors = report(prefix)
    print(f"\nerrors: {errors}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
