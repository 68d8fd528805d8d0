"""How long a sign-up holds its event's lock, and how many statements it sends, in one process.

    .venv/bin/python bench/registration_lock.py [--signups 200] [--seats 50]

``bench/registrations.py`` measures 200 sign-ups at once through gunicorn; on a 2-core machine
its figures spread by ±25 % from run to run, more than a change under the lock moves them. This
one takes the same event (50 seats, a waiting list, the four questions with workshops of 40, 40
and unlimited places) and the same database (PostgreSQL, ``bench_registrations``; Redis), and
signs people up one after another through Django's test client, so each figure is the sign-up's
own: how many statements it sends to the database, how long it holds the event's lock (from its
transaction's start, where it takes the lock, to the commit), how long the whole request takes,
and the CPU it spends in this process; then, in turns, new sign-ups and repeated ones (an
address already registered, a new request), whose times should not tell them apart. Run it on
the code before and after a change, in turns.
Exits non-zero if a sign-up is answered with anything but 201 or a full workshop's 409.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registrations as bench  # noqa: E402 - the sign-up bench's data and event

WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=200)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=60, help="new and repeated sign-ups")
    args = parser.parse_args()

    bench.prepare()
    import logging

    from django.db import connection, transaction
    from django.test import Client

    import events.registrations.signups as signups

    logging.disable(logging.WARNING)  # the 409s of full workshops
    held: list[float] = []

    class _TimedTransaction:
        """``transaction`` as ``signups`` uses it, timing its one ``atomic`` block from its
        start to its commit: the first of its ``on_commit`` callbacks, before the others (the
        seats' versions and the emails' tasks, sent to Redis once the lock has gone)."""

        @staticmethod
        @contextlib.contextmanager
        def atomic(*args, **kwargs):
            started = time.perf_counter()
            with transaction.atomic(*args, **kwargs):
                transaction.on_commit(lambda: held.append(time.perf_counter() - started))
                yield

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    signups.transaction = _TimedTransaction  # type: ignore[assignment]
    event_id = bench.create_webinar(args.seats, with_questions=True)
    url = f"/api/v1/events/{event_id}/registrations/"
    client = Client()

    def sign_up(i: int, key_suffix: str = "") -> int:
        fields = {
            "name": f"Deltager {i}",
            "email": f"lock-{event_id}-{i}@kommune.example",
            "workplace": "Familieafdelingen",
            "municipality": "0101",
            "job_role": "sagsbehandlere",
            "consent": True,
            "answers": bench.answers_of(i),
        }
        response = client.post(
            url,
            json.dumps(fields),
            content_type="application/json",
            headers={"Idempotency-Key": f"lock-{event_id}-{i}{key_suffix}"},
        )
        return response.status_code

    for i in range(WARM_UP):  # the process's first requests load what the rest reuse
        sign_up(i)
    held.clear()
    took: list[float] = []
    unexpected = 0
    cpu = time.process_time()
    with connection.execute_wrapper(count):
        for i in range(WARM_UP, WARM_UP + args.signups):
            started = time.perf_counter()
            status = sign_up(i)
            took.append(time.perf_counter() - started)
            unexpected += status not in (201, 409)
    cpu = time.process_time() - cpu
    held_by_signups = list(held)

    # A repeated sign-up (an address already registered, a new request) against a new one, in
    # turns: an answer that came much sooner or later would tell a stranger who is registered.
    new_took: list[float] = []
    repeat_took: list[float] = []
    for n in range(args.pairs):
        started = time.perf_counter()
        unexpected += sign_up(WARM_UP + args.signups + n) not in (201, 409)
        new_took.append(time.perf_counter() - started)
        fields_of_earlier = WARM_UP + n  # registered above (confirmed or waiting)
        started = time.perf_counter()
        unexpected += sign_up(fields_of_earlier, key_suffix="-again") not in (201, 409)
        repeat_took.append(time.perf_counter() - started)

    print(f"\n{args.signups} sign-ups one after another, one process, PostgreSQL, Redis")
    print(f"  statements sent    {statements / args.signups:.1f} per sign-up")
    print(
        f"  lock held          p50 {statistics.median(held_by_signups) * 1000:.2f} ms "
        f"(the {len(held_by_signups)} that took a seat or a waiting-list place)"
    )
    print(f"  a sign-up          p50 {statistics.median(took) * 1000:.2f} ms")
    print(f"  CPU                {cpu / args.signups * 1000:.2f} ms per sign-up in this process")
    if args.pairs:
        print(
            f"  new vs repeat      p50 {statistics.median(new_took) * 1000:.2f} ms vs "
            f"{statistics.median(repeat_took) * 1000:.2f} ms ({args.pairs} of each, in turns)"
        )
    print(f"  unexpected answers {unexpected}")
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
