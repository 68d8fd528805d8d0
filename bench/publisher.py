"""An editor at work during `make loadtest`: republishes one of the load events every few
seconds, so the load test meets what a publish does to the origin (every list and feed has a
new validator at once, and the popular ones are rebuilt while calendar clients and sites keep
asking).

    .venv/bin/python bench/publisher.py --every 15 --seconds 60

Run by bench/loadtest.py with its environment (the load database and Redis).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=15)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from events.models import EventPage

    ids = list(
        EventPage.objects.live().filter(slug__startswith="belastning-").values_list("pk", flat=True)
    )
    rng = random.Random(2026)
    deadline = time.monotonic() + args.seconds
    published = 0
    while time.monotonic() + args.every < deadline:
        time.sleep(args.every)
        page = EventPage.objects.get(pk=rng.choice(ids)).specific
        page.save_revision().publish()
        published += 1
    print(f"published {published} times", flush=True)


if __name__ == "__main__":
    main()
