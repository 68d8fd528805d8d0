"""Load generator: many published events and registrations for performance work on the API,
feeds and admin."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from events.models import (
    PRIVACY_TEXT_VERSION,
    EventFormat,
    EventIndexPage,
    EventPage,
    EventSession,
    EventType,
    Participation,
    Registration,
    RegistrationSource,
)
from home.models import Audience, Municipality, Topic

CITIES = ["København", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Roskilde"]
SUBJECTS = [
    "Børnesamtaler i praksis",
    "Barnets perspektiv i handleplanen",
    "Inddragelse af anbragte unge",
    "Tidlig indsats på tværs af skole og myndighed",
    "Ledelse af børneinddragelse",
    "Netværk for sagsbehandlere",
]


class Command(BaseCommand):
    help = "Create load-test data. Each option adds one kind of data; combine them freely."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=0, help="Number of events to create.")
        parser.add_argument(
            "--registrations",
            type=int,
            default=0,
            help="Number of registrations to spread over the live events and municipalities.",
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed (repeatable).")

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not security
        # Loaders run in this order; each takes (options, rng) and returns a summary line.
        # Further loaders (registrations, …) add an option above and an entry here.
        loaders = [("events", self.load_events), ("registrations", self.load_registrations)]
        for option, loader in loaders:
            if options.get(option):
                self.stdout.write(loader(options, rng))

    def load_events(self, options: dict, rng: random.Random) -> str:
        count = options["events"]
        folders = list(EventIndexPage.objects.filter(partner__isnull=False).order_by("pk"))
        if not folders:
            raise SystemExit("Run setup_centre (or seed_demo) first: no partner folders.")
        topics = list(Topic.objects.all())
        audiences = list(Audience.objects.all())
        municipalities = {m.name: m for m in Municipality.objects.filter(name__in=CITIES)}
        start_number = EventPage.objects.filter(slug__startswith="belastning-").count()
        now = timezone.now()
        batch = 200
        created = 0
        while created < count:
            with transaction.atomic():
                for _ in range(min(batch, count - created)):
                    number = start_number + created + 1
                    self._create_event(
                        number,
                        folders[created % len(folders)],
                        rng,
                        now,
                        topics,
                        audiences,
                        municipalities,
                    )
                    created += 1
        return f"Created {created} events."

    def _create_event(self, number, folder, rng, now, topics, audiences, municipalities):
        event_type = rng.choice(EventType.values)
        fmt = rng.choice(EventFormat.values)
        city = rng.choice(CITIES)
        staff_group = event_type == EventType.ADVISORY_COURSE
        page = EventPage(
            title=f"{EventType(event_type).label}: {rng.choice(SUBJECTS)} ({number})",
            slug=f"belastning-{number}",
            event_type=event_type,
            teaser="Automatisk oprettet arrangement til belastningstest.",
            format=fmt,
            platform_name="Teams" if fmt != EventFormat.PHYSICAL else "",
            join_url="https://teams.example.com/belastning" if fmt != EventFormat.PHYSICAL else "",
            venue_name="Kulturhuset" if fmt != EventFormat.ONLINE else "",
            venue_city=city if fmt != EventFormat.ONLINE else "",
            venue_municipality=municipalities.get(city) if fmt != EventFormat.ONLINE else None,
            participation=Participation.STAFF_GROUP if staff_group else Participation.INDIVIDUAL,
            capacity=rng.choice([None, 30, 40, 100, 250]) if not staff_group else 40,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        first_day = timezone.localdate(now, timezone.get_default_timezone()) + timedelta(
            days=rng.randint(-60, 365)
        )
        sessions = []
        for i in range(rng.randint(1, 5)):
            day = first_day + timedelta(days=7 * i)
            hour = rng.choice([9, 10, 13, 14])
            start = datetime(
                day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone()
            )
            sessions.append(
                EventSession(
                    sort_order=i, start=start, end=start + timedelta(hours=rng.choice([1, 2, 3, 6]))
                )
            )
        page.sessions = sessions
        page.topics = rng.sample(topics, k=min(len(topics), rng.randint(0, 2)))
        page.audiences = rng.sample(audiences, k=min(len(audiences), rng.randint(0, 3)))
        folder.add_child(instance=page)
        # Created live as if published: record the published calendar state and one revision,
        # without running the whole publish machinery (signals, logs) per event.
        for session in sessions:
            session.calendar_fingerprint = session.compute_fingerprint(page)
        EventSession.objects.bulk_update(sessions, ["calendar_fingerprint"])
        revision = page.save_revision(clean=False, changed=False)
        EventPage.objects.filter(pk=page.pk).update(live_revision=revision)

    def load_registrations(self, options: dict, rng: random.Random) -> str:
        """Registrations as the services would leave them (confirmed up to capacity, then the
        waiting list in order; staff groups pending), written in bulk without emails: load data
        for the admin, exports and statistics, not a sign-up path (bench/registrations.py is)."""
        count = options["registrations"]
        events = list(EventPage.objects.live().order_by("pk"))
        municipalities = list(Municipality.objects.all())
        audiences = list(Audience.objects.all())
        if not events or not municipalities:
            raise SystemExit("Run setup_centre and seed_load --events first: no events.")
        state = {
            event.pk: {
                "taken": sum(
                    Registration.objects.filter(event=event, status="confirmed").values_list(
                        "participants", flat=True
                    )
                ),
                "position": Registration.objects.filter(event=event, status="waiting_list").count(),
            }
            for event in events
        }
        number = Registration.objects.filter(email__startswith="belastning-").count()
        now = timezone.now()
        rows: list[Registration] = []
        skipped = 0
        for _ in range(count):
            event = rng.choice(events)
            seats = state[event.pk]
            number += 1
            staff_group = event.participation == Participation.STAFF_GROUP
            participants = rng.randint(3, 12) if staff_group else 1
            position = None
            if staff_group:
                status = "pending"
            elif event.capacity is None or seats["taken"] + 1 <= event.capacity:
                status = "confirmed"
                seats["taken"] += 1
            elif event.waiting_list_enabled:
                status = "waiting_list"
                seats["position"] += 1
                position = seats["position"]
            else:
                skipped += 1
                continue
            rows.append(
                Registration(
                    event=event,
                    name=f"Deltager {number}",
                    email=f"belastning-{number}@kommune.example",
                    workplace=rng.choice(["Familieafdelingen", "PPR", "Skoleafdelingen"]),
                    municipality=rng.choice(municipalities),
                    job_role=rng.choice(audiences) if audiences else None,
                    consent_at=now,
                    privacy_version=PRIVACY_TEXT_VERSION,
                    status=status,
                    waiting_position=position,
                    participants=participants,
                    unit="Børne- og familieafdelingen" if staff_group else "",
                    manager_name="Lene Leder" if staff_group else "",
                    manager_email=f"leder-{number}@kommune.example" if staff_group else "",
                    source=RegistrationSource.IMPORT,
                    confirmed_at=now if status == "confirmed" else None,
                )
            )
        with transaction.atomic():
            Registration.objects.bulk_create(rows, batch_size=1000)
        extra = f" ({skipped} skipped: full without a waiting list)" if skipped else ""
        return f"Created {len(rows)} registrations over {len(events)} events{extra}."
