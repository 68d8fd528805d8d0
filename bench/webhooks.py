"""Benchmark of the publish path's side effects (issue 7); prints medians and ratios.

    .venv/bin/python bench/webhooks.py [--endpoints 20] [--runs 7] [--deliveries 100]

On a throwaway SQLite database in /tmp, in one process, with django-q2's ORM broker or, with
--redis URL, its Redis broker (tasks are enqueued, not run, as in production):

1. an editor's publish of a knowledge item with Wagtail's indexing inline (django-tasks'
   ImmediateBackend) against the same publish with it handed to django-q2
   (cms.tasks_backend.DjangoQBackend); goal: the deferred publish is faster (ratio < 1);
2. the same publish with N webhook receivers subscribed against none: what the fan-out (N
   outbox rows in the publish's transaction) adds; goal: under 1.5x for 20 receivers;
3. webhook deliveries per second of one worker against a local receiver on 127.0.0.1 (claim,
   sign, POST, mark), median over several batches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--endpoints", type=int, default=20)
parser.add_argument("--runs", type=int, default=7)
parser.add_argument("--deliveries", type=int, default=100, help="per batch; 3 batches")
parser.add_argument("--redis", help="a Redis URL: its broker instead of the ORM broker")
ARGS = parser.parse_args()

DB_PATH = Path("/tmp/bench-webhooks.sqlite3")  # noqa: S108 - a throwaway file
if DB_PATH.exists():
    DB_PATH.unlink()
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
if ARGS.redis:
    os.environ["REDIS_URL"] = ARGS.redis
else:
    os.environ.pop("REDIS_URL", None)
os.environ["Q_SYNC"] = "0"  # enqueue to the ORM broker; nothing runs in this process

from bench.common import median_seconds, setup, table  # noqa: E402

setup(events=0, registrations=0)

from django.test.utils import override_settings  # noqa: E402

from api.models import WebhookDelivery, WebhookEndpoint  # noqa: E402
from api.webhooks.tasks import webhook_deliver  # noqa: E402
from home.models import KnowledgePage  # noqa: E402
from tests.receiver import Receiver  # noqa: E402

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DJANGO_Q = {"default": {"BACKEND": "cms.tasks_backend.DjangoQBackend"}}


def publish_once() -> None:
    page = KnowledgePage.objects.order_by("pk").first()
    page.title = page.title.rstrip(" *") + " *" if not page.title.endswith("*") else page.title[:-2]
    page.save_revision().publish()


def main() -> None:
    receiver = Receiver().start()
    try:
        WebhookEndpoint.objects.all().delete()
        with override_settings(TASKS=IMMEDIATE):
            inline = median_seconds(publish_once, runs=ARGS.runs)
        with override_settings(TASKS=DJANGO_Q):
            deferred = median_seconds(publish_once, runs=ARGS.runs)
            for n in range(ARGS.endpoints):
                WebhookEndpoint.objects.create(name=f"Modtager {n}", url=receiver.url)
            fanned = median_seconds(publish_once, runs=ARGS.runs)

        WebhookEndpoint.objects.exclude(pk=WebhookEndpoint.objects.order_by("pk")[0].pk).delete()
        WebhookDelivery.objects.all().delete()
        rates = []
        for _ in range(3):
            WebhookDelivery.objects.all().delete()
            for _ in range(-(-ARGS.deliveries // 1)):
                publish_once()
            ids = list(WebhookDelivery.objects.values_list("pk", flat=True))[: ARGS.deliveries]
            start = time.perf_counter()
            results = [webhook_deliver(pk) for pk in ids]
            elapsed = time.perf_counter() - start
            assert results.count("sent") == len(ids), results
            rates.append(len(ids) / elapsed)
        rate = statistics.median(rates)
    finally:
        receiver.stop()

    table(
        f"Publishing and webhooks (medians; broker: {'Redis' if ARGS.redis else 'ORM'})",
        [
            ("publish, indexing inline", f"{inline * 1000:.1f} ms", ""),
            ("publish, indexing on django-q2", f"{deferred * 1000:.1f} ms", ""),
            ("deferred / inline publish", f"{deferred / inline:.2f}×", "goal < 1"),
            (f"publish with {ARGS.endpoints} receivers", f"{fanned * 1000:.1f} ms", ""),
            (
                f"{ARGS.endpoints} receivers / none",
                f"{fanned / deferred:.2f}×",
                "goal < 1.5",
            ),
            ("webhook deliveries per second, one worker", f"{rate:.0f}/s", ""),
        ],
    )


main()
