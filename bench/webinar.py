"""A 1,000-registrant webinar on Zoom: every registrant registered with the meeting and their
personal join link mailed, exactly once, against the local Zoom stand-in.

    .venv/bin/python bench/webinar.py [--registrants 1000] [--threads 8] [--delay 0.05]

Needs PostgreSQL on 127.0.0.1:5432 (database bench_webinar, created once). The Zoom stand-in
(``tests/standins/zoom.py``, answering as Zoom documents: OAuth token, meetings, registrants)
runs in this process on 127.0.0.1 and waits ``--delay`` seconds before each answer, as a
platform far away does. The webinar (a Zoom meeting with registration, its join link due at
once) is published with 1,000 confirmed registrants; its create operation makes the meeting,
which writes one registrant row per person; then ``--threads`` threads run the registrant task
as django-q2's workers do, each row handed out twice (as a redelivery or a second cluster
would). Prints registrants per second and checks: the stand-in holds exactly 1,000 approved
registrants, one call per person, and each person has exactly one join-link email carrying
their own link (none with the shared one). Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bench_webinar"


def prepare() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"{PG}/{DATABASE}",
            "REDIS_URL": "",
            "Q_SYNC": "0",  # tasks are queued (no cluster runs here); the threads do the work
            "Q_CLUSTER_NAME": "videnscenter-bench-webinar",
            "DB_CONN_MAX_AGE": "60",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup_centre", verbosity=0)
    from home.demo import vocabulary_seed

    vocabulary_seed()


def main() -> None:  # noqa: PLR0915 - one measurement, told in order
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrants", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    prepare()
    import logging

    logging.getLogger("django-q").setLevel(logging.WARNING)

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from events.models import (
        EmailKind,
        EventIndexPage,
        EventPage,
        EventSession,
        MeetingOperation,
        MeetingRegistrant,
        OutboundEmail,
        Registration,
        SessionMeeting,
        WebinarAccount,
    )
    from events.webinars.operations import meeting_operation_perform
    from events.webinars.registrant_calls import meeting_registrant_perform
    from home.models import Audience, Municipality, Partner
    from home.outbox import DeliveryStatus
    from tests.standins.zoom import ZoomStandIn

    standin = ZoomStandIn(
        account_id="bench", client_id="bench", client_secret="bench-secret", delay=args.delay
    ).start()
    settings.ZOOM_API_URL = standin.api_url
    settings.ZOOM_OAUTH_URL = standin.oauth_url
    cache.clear()

    vive = Partner.objects.get(slug="vive")
    EventPage.objects.filter(slug="bench-zoom-webinar").delete()
    SessionMeeting.objects.filter(event__isnull=True).delete()
    WebinarAccount.objects.filter(partner=vive, platform="zoom").delete()
    account = WebinarAccount(partner=vive, platform="zoom", account_id="bench", client_id="bench")
    account.client_secret = "bench-secret"  # noqa: S105 - the stand-in's
    account.save()

    folder = EventIndexPage.objects.get(partner=vive)
    start = timezone.now() + timedelta(days=2)
    page = EventPage(
        title="Webinar med 1.000 tilmeldte på Zoom",
        slug="bench-zoom-webinar",
        event_type="webinar",
        teaser="Belastningsprøve af personlige deltagerlinks.",
        format="online",
        webinar_platform="zoom_meeting",
        join_link_hours=24 * 7,  # due at once
        capacity=args.registrants,
        live=False,
    )
    page.sessions = [EventSession(start=start, end=start + timedelta(hours=1))]
    folder.add_child(instance=page)
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
        for n in range(args.registrants)
    )
    page.save_revision().publish()

    started = time.perf_counter()
    for operation in MeetingOperation.objects.filter(meeting__event=page):
        meeting_operation_perform(operation.pk)  # makes the meeting, writes the registrants
    meeting = SessionMeeting.objects.get(event=page)
    rows = list(
        MeetingRegistrant.objects.filter(meeting=meeting)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queue = rows + rows  # every task delivered twice
    lock = threading.Lock()
    outcomes: dict[str, int] = {}

    def worker() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    pk = queue.pop(0)
                done = meeting_registrant_perform(pk)
                with lock:
                    outcomes[done] = outcomes.get(done, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # What failed transiently (a lease, a 429) goes again, as the sweeper would hand it out.
    for _ in range(5):
        left = list(
            MeetingRegistrant.objects.filter(meeting=meeting)
            .exclude(status=DeliveryStatus.SENT)
            .values_list("pk", flat=True)
        )
        if not left:
            break
        MeetingRegistrant.objects.filter(pk__in=left).update(next_attempt_at=timezone.now())
        for pk in left:
            meeting_registrant_perform(pk)
    elapsed = time.perf_counter() - started
    standin.stop()

    approved = [
        p for p in standin.registrants[meeting.external_id].values() if p["status"] == "approved"
    ]
    calls = len(standin.calls("POST /v2/meetings/"))
    links = dict(
        MeetingRegistrant.objects.filter(meeting=meeting).values_list("registration_id", "join_url")
    )
    emails = list(
        OutboundEmail.objects.filter(event=page, kind=EmailKind.JOIN_LINK).values_list(
            "registration_id", "body_text"
        )
    )
    per_person: dict[int, int] = {}
    own = 0
    for registration_id, text in emails:
        per_person[registration_id] = per_person.get(registration_id, 0) + 1
        own += bool(links.get(registration_id)) and links[registration_id] in text
    shared = sum(meeting.join_url in text for _, text in emails)
    print(
        f"\nZoom webinar, {args.registrants} confirmed registrants, {args.threads} worker "
        f"threads, stand-in answering after {args.delay * 1000:.0f} ms, each task delivered twice"
    )
    print(
        f"{'registered':>10} {'calls':>6} {'emails':>7} {'own link':>9} {'dupes':>6} "
        f"{'wall s':>7} {'registrants/s':>14}"
    )
    dupes = sum(n - 1 for n in per_person.values())
    print(
        f"{len(approved):>10} {calls:>6} {len(emails):>7} {own:>9} {dupes:>6} "
        f"{elapsed:>7.1f} {args.registrants / elapsed:>14.0f}"
    )
    print(f"task outcomes: {dict(sorted(outcomes.items()))}")
    ok = (
        len(approved) == args.registrants
        and calls == args.registrants
        and len(emails) == args.registrants
        and own == args.registrants
        and dupes == 0
        and shared == 0
    )
    print("exactly once: " + ("yes" if ok else "NO"))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
