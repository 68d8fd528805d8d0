"""The 24-hour reminder with join link of a webinar with 1,000 confirmed registrants, through a
real SMTP sink on 127.0.0.1, with two worker processes: wall time, emails per second, and that
each registrant got exactly one email. Once with the ORM broker, once with Redis.

    .venv/bin/python bench/pipeline.py [--registrants 1000] [--workers 2]

Needs PostgreSQL on 127.0.0.1:5432 (database bench_pipeline, created once) and, for the second
run, Redis on 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bench_pipeline"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def run_once(broker: str, registrants: int, workers: int) -> dict:
    """One measurement, in this process (settings are per process: see main)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from django_q.tasks import async_task

    from events.models import EventIndexPage, EventPage, EventSession, OutboundEmail, Registration
    from home.models import Audience, Municipality
    from tests.clusters import Clusters, wait_for
    from tests.smtp import SmtpSink

    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup_centre", verbosity=0)
    call_command("seed_demo", verbosity=0)
    OutboundEmail.objects.all().delete()
    Registration.objects.filter(event__slug="bench-webinar").delete()
    EventPage.objects.filter(slug="bench-webinar").delete()

    folder = EventIndexPage.objects.get(partner__slug="vive")
    start = timezone.now() + timedelta(hours=23, minutes=30)
    page = EventPage(
        title="Webinar med 1.000 tilmeldte",
        slug="bench-webinar",
        event_type="webinar",
        teaser="Belastningsprøve af påmindelser.",
        format="online",
        platform_name="Teams",
        join_url="https://teams.example.com/meet/bench",
        capacity=registrants,
        live=False,
    )
    page.sessions = [EventSession(start=start, end=start + timedelta(hours=1))]
    folder.add_child(instance=page)
    page.save_revision().publish()
    municipality = Municipality.objects.get(code="0101")
    role = Audience.objects.first()
    now = timezone.now() - timedelta(days=1)
    Registration.objects.bulk_create(
        Registration(
            event=page,
            name=f"Deltager {n}",
            email=f"deltager{n}@kommune.example",
            workplace="Familieafdelingen",
            municipality=municipality,
            job_role=role,
            consent_at=now,
            privacy_version="bench",
            status="confirmed",
            confirmed_at=now,
        )
        for n in range(registrants)
    )
    Registration.objects.filter(event=page).update(created_at=now)

    sink = SmtpSink().start()
    try:
        with Clusters(1, smtp_port=sink.port, workers=workers):
            time.sleep(3)  # the cluster's workers start
            started = time.perf_counter()
            async_task("events.mail.tasks.reminders_send_due", sync=False)
            done = wait_for(lambda: len(sink.messages) >= registrants, timeout=600, every=0.2)
            elapsed = time.perf_counter() - started
            time.sleep(3)  # a duplicate would arrive now
        counts = Counter(m["To"] for m in sink.messages)
    finally:
        sink.stop()
    subjects = {str(m["Subject"]).strip() for m in sink.messages}
    return {
        "broker": broker,
        "complete": done,
        "registrants": registrants,
        "delivered_to": len(counts),
        "duplicates": sum(counts.values()) - len(counts),
        "seconds": elapsed,
        "per_second": len(counts) / elapsed,
        "subjects": sorted(subjects),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrants", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--broker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.broker:
        result = run_once(args.broker, args.registrants, args.workers)
        print(json.dumps(result))
        return

    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    results = []
    for broker, redis_url in (("ORM (PostgreSQL)", ""), ("Redis", REDIS)):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"{PG}/{DATABASE}",
            "REDIS_URL": redis_url,
            "Q_SYNC": "0",
            "Q_CLUSTER_NAME": "videnscenter-bench-pipeline",
        }
        out = subprocess.run(  # noqa: S603 - this script, one broker per process
            [
                sys.executable,
                __file__,
                "--broker",
                broker,
                "--registrants",
                str(args.registrants),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            sys.exit(1)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(
        f"\n24-hour reminder with join link, {args.registrants} confirmed registrants, "
        f"{args.workers} workers, real SMTP sink on 127.0.0.1"
    )
    print(f"{'broker':<18} {'delivered':>10} {'duplicates':>11} {'wall s':>8} {'emails/s':>9}")
    ok = True
    for r in results:
        print(
            f"{r['broker']:<18} {r['delivered_to']:>10} {r['duplicates']:>11} "
            f"{r['seconds']:>8.1f} {r['per_second']:>9.0f}"
        )
        ok &= r["complete"] and r["duplicates"] == 0 and r["delivered_to"] == r["registrants"]
    print(f"subjects: {', '.join(results[0]['subjects'])}")
    print("exactly once: " + ("yes" if ok else "NO"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
