"""200 people click "tilmeld" at once for an event with 50 seats, through the real web server.

    .venv/bin/python bench/registrations.py [--signups 200] [--seats 50] [--workers N]
        [--threads 1] [--no-questions] [--client socket|urllib]

The event asks what a conference asks (issue 16): a workshop with 40 places (A), another with
40 (B) and one without a limit (C), chosen in turn; whether the person has dietary needs and,
only then, which (sensitive); and whether they work in myndighed or almenområdet. So of the 67
who choose A, 27 are told it is full (409), and the check is that no workshop is overbooked.
With ``--no-questions``: a webinar asking nothing, as before issue 16.

gunicorn as production runs it (cms/gunicorn.conf.py; ``--workers 2`` for the earlier model of
two sync processes) on 127.0.0.1 against PostgreSQL (its own database,
``bench_registrations``, created once) and Redis (the shared cache the throttle counts in, and
the task broker the emails are queued on). A fresh event each run; 200 threads POST at once
(released together by a barrier; the clock starts then), each on a socket of its own with
its request written out beforehand, so that the load generator, which shares the server's
cores, spends little of them (``--client urllib``: the earlier client). Checks exactly 50
confirmed and the rest on the waiting list with positions 1..n in sign-up order, each
workshop's places held exactly, and no errors; prints sign-ups per second and latency, stops
the server, and exits non-zero if anything is off.
Bounded: requests time out after 60 s, the server is stopped in any case.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# BENCH_DATABASE: another database, for other code (bench/registrations_before.py)
DATABASE = os.environ.get("BENCH_DATABASE", "bench_registrations")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
PORT = 8791

ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.test",
    "DATABASE_URL": f"{PG}/{DATABASE}",
    "REDIS_URL": REDIS,
    "Q_SYNC": "0",  # emails are queued for the workers (none run here), not sent inline
    "SIGNUP_EMAILS_RENDERED_BY_WORKERS": "1",  # as in production: the workers render them
    "Q_CLUSTER_NAME": "videnscenter-bench-registrations",
    "DB_CONN_MAX_AGE": "60",
    "REGISTRATION_THROTTLE_RATE": "1000000/minute",  # all threads come from 127.0.0.1
    "BASE_URL": f"http://127.0.0.1:{PORT}",
    "CACHE_KEY_PREFIX": "videnscenter-bench-registrations",  # one cache for all processes
}


def prepare() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup_centre", verbosity=0)
    from home.demo import vocabulary_seed

    vocabulary_seed()


WORKSHOP_PLACES = {"a": 40, "b": 40, "c": None}


def questions() -> list:
    from events.models import EventQuestion

    def option(value: str, label: str, places: int | None) -> tuple:
        return ("option", {"label": label, "value": value, "places": places, "active": True})

    return [
        EventQuestion(
            sort_order=0,
            key="workshop",
            label="Hvilken workshop vil du deltage i?",
            kind="limited_choice",
            required=True,
            options=[
                option(value, f"Workshop {value.upper()}", places)
                for value, places in WORKSHOP_PLACES.items()
            ],
        ),
        EventQuestion(sort_order=1, key="diet", label="Har du kostbehov?", kind="yes_no"),
        EventQuestion(
            sort_order=2,
            key="diet_detail",
            label="Hvilke?",
            kind="text",
            data_class="sensitive",
            shown_if_question="diet",
            shown_if_value="ja",
        ),
        EventQuestion(
            sort_order=3,
            key="area",
            label="Arbejder du i myndighed eller almenområdet?",
            kind="choice",
            data_class="statistical",
            options=[option("myndighed", "Myndighed", None), option("almen", "Almenområdet", None)],
        ),
    ]


def answers_of(i: int) -> dict:
    answers: dict = {"workshop": "abc"[i % 3], "area": ("myndighed", "almen")[i % 2]}
    if i % 4 == 0:
        answers.update(diet=True, diet_detail="Vegetar")
    return answers


def create_webinar(seats: int, with_questions: bool = True) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from events.models import EventIndexPage, EventPage, EventSession
    from home.models import Partner

    folder = EventIndexPage.objects.get(partner=Partner.objects.get(slug="vive"))
    start = timezone.now() + timedelta(days=14)
    stamp = int(time.time())
    page = EventPage(
        title=f"Bench-webinar {stamp}",
        slug=f"bench-webinar-{stamp}",
        event_type="webinar",
        teaser="Belastningstest af tilmelding.",
        format="online",
        platform_name="Teams",
        join_url="https://teams.example.com/bench",
        capacity=seats,
        waiting_list_enabled=True,
        live=False,
    )
    page.sessions = [EventSession(sort_order=0, start=start, end=start + timedelta(hours=2))]
    if with_questions:
        page.questions = questions()
    folder.add_child(instance=page)
    page.save_revision().publish()
    return page.pk


def start_server(workers: int, threads: int = 1) -> subprocess.Popen:
    """``workers`` 0: the production model (cms/gunicorn.conf.py); else that many processes
    of ``threads`` threads (1: sync workers, the earlier Procfile's model)."""
    if workers:
        model = ["--workers", str(workers), "--timeout", "60", "--threads", str(threads)]
    else:
        model = ["-c", "cms/gunicorn.conf.py"]
    return subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            *model,
            "cms.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--backlog",
            "512",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(group: int | None = None, command: str = "") -> float:
    """User and system CPU of the processes in a process group (the server's), or of those
    running ``command`` (``postgres``: the database's backends), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, fields = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        if int(fields[2]) == group or (command and name.split("(", 1)[1] == command):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting on I/O), from
    /proc/stat: what the database, Redis and the kernel use counts too."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not come up: {url}")


def wait_until_idle(group: int, seconds: int = 30) -> None:
    """Until the server's processes have finished starting: every worker, not only the first
    that answered (their CPU stays still for half a second). Says so when they had not after
    ``seconds``, and goes on."""
    deadline = time.monotonic() + seconds
    before = cpu_seconds(group)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(group)
        if now - before < 0.02:
            return
        before = now
    print(f"  (the server was still busy starting after {seconds} s: figures may be low)")


def request_of(i: int, event_id: int, with_questions: bool) -> tuple[str, bytes, dict]:
    """The path, body and headers of sign-up ``i``."""
    fields = {
        "name": f"Deltager {i}",
        "email": f"bench-{i}@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
    }
    if with_questions:
        fields["answers"] = answers_of(i)
    headers = {"Content-Type": "application/json", "Idempotency-Key": f"bench-{i}"}
    return f"/api/v1/events/{event_id}/registrations/", json.dumps(fields).encode(), headers


def sign_up_urllib(request: tuple[str, bytes, dict], barrier: threading.Barrier) -> tuple:
    """The request through ``urllib``, the earlier client (``--client urllib``): its own
    parsing of the answer's headers cost about 1 ms of CPU per sign-up on the machine the
    server shares."""
    path, body, headers = request
    prepared = urllib.request.Request(  # noqa: S310 - loopback
        f"http://127.0.0.1:{PORT}{path}", data=body, method="POST", headers=headers
    )
    barrier.wait()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(prepared, timeout=60) as response:  # noqa: S310
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    except OSError as error:
        status, payload = 0, str(error).encode()
    return status, payload, time.perf_counter() - started


def sign_up_socket(request: tuple[str, bytes, dict], barrier: threading.Barrier) -> tuple:
    """The request written out beforehand and sent on a socket of its own, the answer read to
    the server's close: the load generator shares the server's two cores, so it should spend
    as little of them as it can (a few tenths of a millisecond per sign-up against urllib's
    one). The answer is parsed after the clock stops."""
    path, body, headers = request
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    message = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n{head}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    barrier.wait()
    started = time.perf_counter()
    chunks = []
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=60) as connection:
            connection.sendall(message)
            while chunk := connection.recv(65536):
                chunks.append(chunk)
    except OSError as error:
        return 0, str(error).encode(), time.perf_counter() - started
    elapsed = time.perf_counter() - started
    header, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in header.lower():
        return 0, b"a chunked answer (this client reads Content-Length ones)", elapsed
    status = int(header.split(b" ", 2)[1]) if header.startswith(b"HTTP/1.") else 0
    return status, payload, elapsed


CLIENTS = {"socket": sign_up_socket, "urllib": sign_up_urllib}


def sign_up(
    client, request: tuple[str, bytes, dict], i: int, barrier: threading.Barrier, results: list
) -> None:
    status, payload, elapsed = client(request, barrier)
    if status == 201:
        payload = json.loads(payload)
    else:
        payload = payload[:300]
    results[i] = (status, payload, elapsed)


def expected_refusals(signups: int, with_questions: bool) -> int:
    """Sign-ups told their workshop is full: those past each limited workshop's places."""
    if not with_questions:
        return 0
    refused = 0
    for number, places in enumerate(WORKSHOP_PLACES.values()):
        choosing = len(range(number, signups, 3))
        if places is not None:
            refused += max(choosing - places, 0)
    return refused


def verify(event_id: int, seats: int, signups: int, with_questions: bool) -> list[str]:
    from django.db.models import Count

    from events.models import Registration

    problems = []
    registered = signups - expected_refusals(signups, with_questions)
    rows = Registration.objects.filter(event_id=event_id)
    confirmed = rows.filter(status="confirmed").count()
    waiting = list(rows.filter(status="waiting_list").order_by("pk"))
    if confirmed != seats:
        problems.append(f"{confirmed} confirmed, expected {seats}")
    if len(waiting) != registered - seats:
        problems.append(f"{len(waiting)} on the waiting list, expected {registered - seats}")
    if [r.waiting_position for r in waiting] != list(range(1, len(waiting) + 1)):
        problems.append("waiting-list positions are not 1..n in sign-up order")
    if with_questions:
        from events.models import RegistrationAnswer  # (not in the code before issue 16)

        chosen = dict(
            RegistrationAnswer.objects.filter(registration__event_id=event_id, key="workshop")
            .values_list("value")
            .annotate(n=Count("pk"))
        )
        for value, places in WORKSHOP_PLACES.items():
            if places is not None and chosen.get(value, 0) != places:
                problems.append(f"workshop {value}: {chosen.get(value, 0)} of {places} places")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=200)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument(
        "--workers", type=int, default=0, help="0: cms/gunicorn.conf.py, as in production"
    )
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread when > 1)")
    parser.add_argument("--no-questions", dest="questions", action="store_false")
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="socket", help="urllib: the earlier one"
    )
    args = parser.parse_args()

    prepare()
    event_id = create_webinar(args.seats, args.questions)
    server = start_server(args.workers, args.threads)
    results: list = [None] * args.signups
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        wait_until_idle(server.pid)
        # The clock starts when the last thread reaches the barrier and all are let go, not
        # before the threads are started (200 starts took tens of milliseconds).
        released: list[float] = []
        barrier = threading.Barrier(
            args.signups, action=lambda: released.append(time.perf_counter())
        )
        client = CLIENTS[args.client]
        threads = [
            threading.Thread(
                target=sign_up,
                args=(client, request_of(i, event_id, args.questions), i, barrier, results),
            )
            for i in range(args.signups)
        ]
        server_cpu = cpu_seconds(server.pid)
        database_cpu = cpu_seconds(command="postgres")
        redis_cpu = cpu_seconds(command="redis-server")
        client_cpu = time.process_time()
        machine_busy = machine_busy_seconds()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        wall = time.perf_counter() - released[0]
        server_cpu = cpu_seconds(server.pid) - server_cpu
        database_cpu = cpu_seconds(command="postgres") - database_cpu
        redis_cpu = cpu_seconds(command="redis-server") - redis_cpu
        client_cpu = time.process_time() - client_cpu
        busy = machine_busy_seconds() - machine_busy
    finally:
        stop_server(server)

    done = [r for r in results if r is not None]
    full = [r for r in done if r[0] == 409 and b"answers.workshop" in r[1]]
    errors = [r for r in done if r[0] != 201 and r not in full]
    latencies = sorted(r[2] for r in done)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    statuses = {}
    for status, payload, _ in done:
        if status == 201:
            statuses[payload["status"]] = statuses.get(payload["status"], 0) + 1
    problems = verify(event_id, args.seats, args.signups, args.questions)
    if len(full) != expected_refusals(args.signups, args.questions):
        problems.append(f"{len(full)} told their workshop is full")
    if len(done) != args.signups:
        problems.append(f"{args.signups - len(done)} sign-ups did not finish")
    if errors:
        problems.append(f"{len(errors)} errors, e.g. {errors[0][:2]}")

    print(
        f"\n{args.signups} concurrent sign-ups for {args.seats} seats "
        + (
            f"(gunicorn × {args.workers}, {args.threads} thread(s) each, "
            if args.workers
            else "(gunicorn as cms/gunicorn.conf.py runs it, "
        )
        + "PostgreSQL, Redis, "
        + (
            "4 questions, workshops of 40, 40 and unlimited places)"
            if args.questions
            else "no questions)"
        )
    )
    print(f"  answers            {statuses}, workshop full: {len(full)}")
    print(f"  sign-ups/s         {len(done) / wall:.1f}")
    print(f"  latency p50        {statistics.median(latencies) * 1000:.0f} ms")
    print(f"  latency p95        {p95 * 1000:.0f} ms")
    print(f"  errors             {len(errors)}")
    print(
        f"  CPU                web server {server_cpu / max(len(done), 1) * 1000:.1f} ms and "
        f"this client {client_cpu / max(len(done), 1) * 1000:.1f} ms per sign-up, "
        f"{(server_cpu + client_cpu) / wall:.2f} of {os.cpu_count()} cores over {wall:.2f} s"
    )
    per = 1000 / max(len(done), 1)
    print(
        f"  machine            {busy * per:.1f} ms of CPU per sign-up in all, of which "
        f"PostgreSQL {database_cpu * per:.1f} ms and Redis {redis_cpu * per:.1f} ms; "
        f"{busy / wall:.2f} of {os.cpu_count()} cores busy"
    )
    print("  check              " + ("OK" if not problems else "; ".join(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
