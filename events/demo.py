"""Danish demo events, placed relative to today (Europe/Copenhagen); idempotent by slug."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.courses.demo import (
    certificate_course_spec,
    coming_course_spec,
    course_attendance_seed,
)
from events.errors import EventsError
from events.evaluations.demo import evaluation_demo_seed
from events.models import (
    CHOICE_KINDS,
    EventIndexPage,
    EventPage,
    EventQuestion,
    EventSession,
    EventStatus,
    Participation,
    QuestionKind,
)
from events.registrations.answers import question_shown
from events.registrations.applications import application_approve, application_manager_confirm
from events.registrations.services import registration_attendance_set, registration_cancel
from events.registrations.signups import registration_create
from home.demo import home_demo_seed
from home.models import Audience, KnowledgePage, Municipality, Partner, Topic
from home.text import danish_slugify


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _timed(day: date, start: tuple[int, int], end: tuple[int, int], **fields) -> dict:
    return {"start": _at(day, *start), "end": _at(day, *end), **fields}


def _specs(today: date) -> list[dict[str, Any]]:
    def d(days: int) -> date:
        return today + timedelta(days=days)

    conference_day = d(45)
    course_start = d(21)
    specs: list[dict[str, Any]] = [
        {
            "partner": "socialstyrelsen",
            "slug": "konference-boerns-stemmer-i-sagsbehandlingen",
            "title": "Konference: Børns stemmer i sagsbehandlingen",
            "event_type": "conference",
            "teaser": "To dage om, hvordan kommunerne reelt inddrager børn og unge i deres "
            "egne sager – med oplæg fra forskning, praksis og unge selv.",
            "format": "hybrid",
            "venue_name": "Hotel Nyborg Strand",
            "venue_address": "Østerøvej 2",
            "venue_postcode": "5800",
            "venue_city": "Nyborg",
            "municipality": "Nyborg",
            "platform_name": "Teams",
            "join_url": "https://teams.example.com/konference-boerns-stemmer",
            # Its Teams meetings are made once Socialstyrelsen has an account (README).
            "webinar_platform": "teams",
            "capacity": 250,
            "registration_closes": _at(conference_day - timedelta(days=7), 12),
            "topics": ["Børneinddragelse", "Sagsbehandling"],
            "audiences": ["ledere-i-myndighed", "sagsbehandlere"],
            "co_organisers": ["vive", "boerns-vilkaar"],
            "body": [
                (
                    "programme_item",
                    {
                        "time": "9.30–10.15",
                        "title": "Velkomst og status",
                        "speakers": "Socialstyrelsen",
                    },
                ),
                (
                    "programme_item",
                    {
                        "time": "10.15–11.00",
                        "title": "Anbragte unges trivsel: hvad siger de unge?",
                        "speakers": "VIVE",
                    },
                ),
            ],
            "sessions": [
                _timed(conference_day, (9, 30), (16, 0), title="Dag 1"),
                _timed(conference_day + timedelta(days=1), (9, 0), (15, 0), title="Dag 2"),
            ],
            "questions": [
                {
                    "label": "Hvilken workshop vil du deltage i?",
                    "key": "workshop",
                    "kind": "limited_choice",
                    "required": True,
                    "help_text": "Workshopperne er om eftermiddagen på dag 1. Hver har sine "
                    "egne pladser.",
                    "options": [
                        ("boernesamtalen", "Workshop A: Børnesamtalen i praksis", 80),
                        ("handleplanen", "Workshop B: Barnets perspektiv i handleplanen", 80),
                        ("netvaerket", "Workshop C: Inddragelse af barnets netværk", 90),
                    ],
                },
                {
                    "label": "Deltager du i frokosten?",
                    "key": "frokost",
                    "kind": "yes_no",
                    "required": True,
                },
                {
                    "label": "Har du særlige kostbehov?",
                    "key": "kostbehov",
                    "kind": "long_text",
                    "help_text": "Fx vegetar, glutenfri eller allergi. Slettes dagen efter "
                    "konferencen.",
                    "data_class": "sensitive",
                    "shown_if_question": "frokost",
                    "shown_if_value": "ja",
                },
            ],
        },
    ]
    webinar_topics = [
        ("Børnesamtaler i praksis", "Børnesamtaler"),
        ("Når barnet er anbragt: inddragelse undervejs", "Anbringelse"),
        ("Tidlig indsats på tværs af skole og myndighed", "Tidlig indsats"),
    ]
    for number, (subject, topic) in enumerate(webinar_topics, start=1):
        day = d(14 * number)
        specs.append(
            {
                "partner": "vive",
                "slug": f"webinar-{number}-{danish_slugify(topic)}",
                "title": f"Webinarrække {number}/3: {subject}",
                "event_type": "webinar",
                "teaser": f"En times webinar om {subject.lower()} med ny viden fra VIVE.",
                "format": "online",
                "platform_name": "Zoom",
                "join_url": f"https://zoom.example.com/j/vive-webinar-{number}",
                # The first on Zoom, once VIVE has an account (README).
                "webinar_platform": "zoom_webinar" if number == 1 else "",
                "registration_closes": _at(day, 12),
                "topics": [topic],
                "audiences": ["sagsbehandlere"],
                "sessions": [_timed(day, (14, 0), (15, 0))],
            }
        )
    specs += [
        {
            "partner": "socialstyrelsen",
            "slug": "raadgivningsforloeb-boerneinddragelse-i-myndighed",
            "title": "Rådgivningsforløb: Børneinddragelse i myndighed",
            "event_type": "advisory_course",
            "teaser": "Et forløb i fire moduler for en hel medarbejdergruppe. Forløbet kræver "
            "ledelsesmæssig forankring.",
            "participation": "staff_group",
            "capacity": 40,
            "format": "physical",
            "venue_name": "Socialstyrelsen",
            "venue_address": "Edisonsvej 1",
            "venue_postcode": "5000",
            "venue_city": "Odense",
            "municipality": "Odense",
            "registration_closes": _at(course_start - timedelta(days=7), 12),
            "topics": ["Børneinddragelse", "Sagsbehandling"],
            "audiences": ["ledere-i-myndighed", "sagsbehandlere"],
            "sessions": [
                _timed(
                    course_start + timedelta(weeks=3 * i), (9, 0), (15, 0), title=f"Modul {i + 1}"
                )
                for i in range(4)
            ],
        },
        {
            "partner": "boerns-vilkaar",
            "slug": "workshop-barnets-perspektiv",
            "title": "Workshop: Barnets perspektiv i handleplanen",
            "event_type": "workshop",
            "teaser": "Praksisnær workshop om at skrive barnets perspektiv ind i handleplanen.",
            "format": "physical",
            "venue_name": "Børns Vilkår",
            "venue_address": "Trommesalen 4",
            "venue_postcode": "1614",
            "venue_city": "København V",
            "municipality": "København",
            "status": "cancelled",
            "status_reason": "Workshoppen er aflyst på grund af sygdom. Tilmeldte får besked "
            "om en ny dato.",
            "topics": ["Børneinddragelse"],
            "audiences": ["sagsbehandlere"],
            "sessions": [_timed(d(10), (13, 0), (16, 0))],
        },
        {
            # 02:30 on the nights the clocks change: missing in March, twice in October.
            "partner": "boerns-vilkaar",
            "slug": "kompetenceforloeb-natlige-moduler-2027",
            "title": "Kompetenceforløb: Børnesamtaler (natmoduler ved tidsskift)",
            "event_type": "competence_course",
            "teaser": "Kompetenceforløb for sagsbehandlere i to online moduler.",
            "format": "online",
            "platform_name": "Teams",
            "join_url": "https://teams.example.com/kompetenceforloeb-2027",
            "topics": ["Børnesamtaler"],
            "audiences": ["sagsbehandlere"],
            "sessions": [
                _timed(_last_sunday(2027, 3), (2, 30), (4, 30), title="Modul 1"),
                _timed(_last_sunday(2027, 10), (2, 30), (4, 30), title="Modul 2"),
            ],
            "questions": [
                {
                    "label": "Hvilket modul følger du?",
                    "key": "modul",
                    "kind": "choice",
                    "required": True,
                    "options": [
                        ("begge", "Begge moduler", None),
                        ("modul-1", "Kun modul 1", None),
                        ("modul-2", "Kun modul 2", None),
                    ],
                },
                {
                    "label": "Hvilken sag tager du med?",
                    "key": "sag",
                    "kind": "long_text",
                    "help_text": "Beskriv kort en sag, du vil arbejde med på forløbet. Skriv "
                    "ikke navne eller cpr-numre.",
                },
                {
                    "label": "Arbejder du i myndighed eller almenområdet?",
                    "key": "omraade",
                    "kind": "choice",
                    "required": True,
                    "data_class": "statistical",
                    "help_text": "Bruges anonymt i videnscentrets opgørelser.",
                    "options": [
                        ("myndighed", "Myndighed", None),
                        ("almenomraadet", "Almenområdet", None),
                    ],
                },
            ],
        },
        {
            "partner": "socialstyrelsen",
            "slug": "netvaerksmoede-boerneinddragelse",
            "title": "Netværksmøde for børneinddragelse i kommunerne",
            "event_type": "network_meeting",
            "teaser": "En dag til at dele erfaringer på tværs af kommuner.",
            "format": "physical",
            "venue_name": "Aarhus Rådhus",
            "venue_city": "Aarhus",
            "municipality": "Aarhus",
            "topics": ["Tidlig indsats"],
            "audiences": ["skole", "dagtilbud", "ppr", "sundhedspleje"],
            "sessions": [{"all_day": True, "start_date": d(60), "end_date": d(60)}],
            # A small room: the waiting list gets offers with a deadline, not silent promotion.
            "capacity": 5,
            "waiting_list_enabled": True,
            "waiting_list_offer_hours": 48,
        },
        {
            "partner": "vive",
            "slug": "webinar-anbragte-unges-trivsel",
            "title": "Webinar: Anbragte unges trivsel",
            "event_type": "webinar",
            "teaser": "43 % af de anbragte unge følte sig ikke spurgt om, hvor de skulle bo. "
            "Se optagelsen af webinaret.",
            "format": "online",
            "platform_name": "Zoom",
            "join_url": "https://zoom.example.com/j/vive-trivsel",
            "recording_url": "https://video.example.com/vive/anbragte-unges-trivsel",
            "evaluation_url": "https://survey.example.com/vive-trivsel",
            "topics": ["Anbringelse"],
            "audiences": ["sagsbehandlere", "ledere-i-myndighed"],
            "knowledge": ["anbragte-unges-trivsel"],
            "sessions": [_timed(d(-30), (14, 0), (15, 0))],
        },
    ]
    specs.append(certificate_course_spec(d(-42)))
    specs.append(coming_course_spec(d(35)))
    return specs


def _create(spec: dict[str, Any]) -> EventPage:
    spec = dict(spec)
    folder = EventIndexPage.objects.get(partner__slug=spec.pop("partner"))
    sessions = spec.pop("sessions")
    topics = spec.pop("topics", [])
    audiences = spec.pop("audiences", [])
    co_organisers = spec.pop("co_organisers", [])
    knowledge = spec.pop("knowledge", [])
    municipality = spec.pop("municipality", None)
    questions = spec.pop("questions", [])
    page = EventPage(**spec)
    if municipality:
        page.venue_municipality = Municipality.objects.filter(name=municipality).first()
    page.sessions = [EventSession(sort_order=i, **s) for i, s in enumerate(sessions)]
    page.questions = [_question(i, dict(q)) for i, q in enumerate(questions)]
    page.topics = list(Topic.objects.filter(name__in=topics))
    page.audiences = list(Audience.objects.filter(slug__in=audiences))
    page.co_organisers = list(Partner.objects.filter(slug__in=co_organisers))
    page.related_knowledge = list(KnowledgePage.objects.filter(slug__in=knowledge))
    folder.add_child(instance=page)
    page.save_revision().publish()
    return page


def _question(number: int, spec: dict[str, Any]) -> EventQuestion:
    options = [
        ("option", {"value": value, "label": label, "places": places, "active": True})
        for value, label, places in spec.pop("options", [])
    ]
    return EventQuestion(sort_order=number, options=options, **spec)


@transaction.atomic
def events_seed(*, today: date | None = None) -> list[EventPage]:
    """Create the demo events that are missing; returns those created."""
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    created = []
    for spec in _specs(today):
        if EventPage.objects.filter(slug=spec["slug"]).exists():
            continue
        created.append(_create(spec))
    return created


# --- Demo registrations ---------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Mette", "Louise", "Camilla", "Sara", "Ida", "Mikkel", "Jonas", "Rasmus", "Søren",
    "Line", "Maja", "Peter", "Helle", "Jesper", "Nanna", "Ahmad", "Fatima", "Bo", "Tove",
)  # fmt: skip
LAST_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Østergaard",
)  # fmt: skip
WORKPLACES = (
    "Børne- og familieafdelingen",
    "Myndighedsafdelingen for børn og unge",
    "PPR",
    "Sundhedsplejen",
    "Skoleafdelingen",
    "Dagtilbudsområdet",
)


def _sign_up_moment(event: EventPage) -> datetime | None:
    """A moment inside the event's registration window, so demo sign-ups of past events are
    made as they would have been then."""
    closes = event.registration_closes or event.first_start
    if closes is None:
        return None
    moment = closes - timedelta(days=2)
    if event.registration_opens and moment < event.registration_opens:
        moment = event.registration_opens + timedelta(hours=1)
    return moment


DEMO_TEXTS = {
    "kostbehov": ("Vegetar", "Glutenfri", "Laktosefri", "Allergi over for nødder"),
    "sag": (
        "En 12-årig i familiepleje, der ikke vil til samvær.",
        "En ung på 16, hvis handleplan skal revideres før efterværn.",
        "Et barn på 8, hvor skolen har sendt en underretning.",
    ),
}


def _answers(event: EventPage, rng) -> dict[str, Any]:
    """Plausible answers to the event's questions: required ones always, others now and then,
    hidden ones never."""
    answers: dict[str, Any] = {}
    for question in event.questions.all():
        if not question_shown(question, answers):
            continue
        if not question.required and rng.random() < 0.4:
            continue
        if question.kind == QuestionKind.YES_NO:
            answers[question.key] = rng.random() < 0.75
        elif question.kind in CHOICE_KINDS:
            values = [option.value for option in question.option_list() if option.active]
            chosen = rng.choice(values)
            multiple = question.kind == QuestionKind.MULTIPLE_CHOICE
            answers[question.key] = [chosen] if multiple else chosen
        elif question.key in DEMO_TEXTS:
            answers[question.key] = rng.choice(DEMO_TEXTS[question.key])
    return answers


def _people(rng, count: int, municipalities: list, roles: list) -> list[dict[str, Any]]:
    people = []
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            {
                "name": f"{first} {last}",
                "email": f"{first}.{last}.{n}@kommune.example".lower().replace("ø", "oe"),
                "workplace": rng.choice(WORKPLACES),
                "municipality": rng.choice(municipalities),
                "job_role": rng.choice(roles),
            }
        )
    return people


@transaction.atomic
def registrations_seed(*, now: datetime | None = None) -> int:
    """Sign-ups for the demo events through the registration services, so the dashboard, the
    registrations admin and the reach reports have something to show: individuals on each
    event, staff-group applications in each state on group courses, and attendance recorded
    on events that are over. Events that already have registrations are left alone."""
    import random

    now = now or timezone.now()
    rng = random.Random(2021)  # the centre's founding year: the same demo every time
    municipalities = list(Municipality.objects.order_by("code"))
    roles = list(Audience.objects.order_by("slug"))
    created = 0
    events = EventPage.objects.live().filter(registrations__isnull=True).order_by("pk")
    for event in events.exclude(status=EventStatus.CANCELLED):
        moment = _sign_up_moment(event)
        if moment is None:
            continue
        staff_group = event.participation == Participation.STAFF_GROUP
        people = _people(rng, 3 if staff_group else rng.randint(6, 14), municipalities, roles)
        for number, person in enumerate(people):
            extra = {}
            if staff_group:
                extra = {
                    "participants": rng.randint(4, 9),
                    "unit": person["workplace"],
                    "manager_name": f"Leder {person['name'].split()[-1]}",
                    "manager_email": f"leder.{number}.{event.pk}@kommune.example",
                }
            try:
                sign_up = registration_create(
                    event_id=event.pk,
                    consent=True,
                    source="import",
                    now=moment,
                    answers=_answers(event, rng),
                    **person,
                    **extra,
                )
            except EventsError:  # full without a waiting list: the rest would be refused too
                break
            registration = sign_up.registration
            created += 1
            # Applications in each state: approved, awaiting the moderator, awaiting the manager.
            if staff_group and number < 2:
                application_manager_confirm(registration=registration, now=moment)
                if number == 0:
                    application_approve(registration=registration, now=moment)
        if (
            event.waiting_list_offer_hours
            and event.registrations.filter(status="waiting_list").exists()
        ):
            # Someone cancels: the first on the waiting list is offered the seat.
            leaving = event.registrations.filter(status="confirmed").order_by("pk").first()
            if leaving is not None:
                registration_cancel(registration=leaving)
        if event.last_end and event.last_end < now:
            if event.completion_rule:
                course_attendance_seed(event=event, rng=rng, now=now)
                evaluation_demo_seed(event=event, rng=rng, now=now)
                continue
            for registration in event.registrations.filter(status="confirmed"):
                registration_attendance_set(registration=registration, attended=rng.random() < 0.8)
    return created


@transaction.atomic
def demo_seed() -> None:
    """The whole demo: the centre's content (``home.demo``), then events and their sign-ups.

    The partners' event links go to the hosted events page (``centre_setup`` fills each empty
    ``event_url_template`` with it), not to their real sites: on a developer's machine no
    partner page hosts the widget, and the demo's emails and calendars must lead somewhere."""
    home_demo_seed()
    events_seed()
    registrations_seed()
