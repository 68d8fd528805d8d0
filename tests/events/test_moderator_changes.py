"""Issue 7's "done", end to end: a real SMTP server (aiosmtpd) and a real webhook receiver.

A moderator moves a webinar by an hour and later cancels one session of a course: every
registrant gets one email each time, with a calendar file that updates their calendar in place
(same UID, higher SEQUENCE); each partner site's webhook fires once; reminders follow the new
time and skip the cancelled session.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar
from standardwebhooks import Webhook

from api.models import WebhookEndpoint
from events.mail.reminders import reminders_enqueue_due
from events.models import EmailKind, OutboundEmail, SessionStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.receiver import Receiver


@pytest.fixture
def receivers(centre):
    """Two partner sites, each with its own endpoint and secret."""
    servers = [Receiver().start(), Receiver().start()]
    endpoints = [
        WebhookEndpoint.objects.create(name=f"Websted {n}", url=server.url + "/hooks")
        for n, server in enumerate(servers)
    ]
    yield list(zip(servers, endpoints, strict=True))
    for server in servers:
        server.stop()


def subject(message) -> str:
    return message["Subject"].strip()  # a folded, encoded header may start with a space


def calendar_in(message) -> tuple[str, Calendar]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def webhook_types(receivers, event_pk: int) -> list[list[str]]:
    """Per receiver, the verified payload types it got about the event."""
    per_receiver = []
    for server, endpoint in receivers:
        types = []
        for request in server.received:
            payload = Webhook(endpoint.secret).verify(request.body, request.headers)
            assert payload == json.loads(request.body)
            if payload["data"]["id"] == event_pk:
                types.append(payload["type"])
        per_receiver.append(types)
    return per_receiver


def publish(page, django_capture_on_commit_callbacks):
    """Publish as the moderator's click does; the outbox tasks run once it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()


def test_moved_webinar_and_cancelled_course_session_reach_everyone_once(
    event_of,
    vive,
    vocabulary,  # noqa: F811
    smtp_sink,
    receivers,
    django_capture_on_commit_callbacks,
):
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        webinar = event_of(
            vive,
            title="Webinar for sagsbehandlere",
            sessions=[{"start": start, "end": start + timedelta(hours=1)}],
        )
        course = event_of(
            vive,
            title="Kompetenceforløb om børnesamtaler",
            event_type="competence_course",
            format="physical",
            platform_name="",
            join_url="",
            venue_name="VIVE",
            venue_city="København",
            sessions=[
                {"title": f"Modul {n}", "start": start + timedelta(days=7 * n, hours=2)}
                for n in (1, 2, 3)
            ],
        )
        webinar_people = [sign_up(webinar).registration.email for _ in range(3)]
        course_people = [sign_up(course).registration.email for _ in range(2)]
    assert len(smtp_sink.messages) == 5  # the confirmations
    confirmation = next(m for m in smtp_sink.messages if m["To"] == webinar_people[0])
    _, first_calendar = calendar_in(confirmation)
    [first_vevent] = first_calendar.walk("VEVENT")
    for server, _ in receivers:
        server.received.clear()

    # 1. The moderator moves the webinar by an hour.
    page = webinar.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    session = page.sessions.all()[0]
    session.start += timedelta(hours=1)
    session.end += timedelta(hours=1)
    publish(page, django_capture_on_commit_callbacks)

    changed = [m for m in smtp_sink.messages if subject(m).startswith("Ændret")]
    assert Counter(m["To"] for m in changed) == Counter(webinar_people)
    method, calendar = calendar_in(changed[0])
    [vevent] = calendar.walk("VEVENT")
    assert method == "REQUEST"
    assert vevent["UID"] == first_vevent["UID"]
    assert vevent["SEQUENCE"] > first_vevent["SEQUENCE"]
    assert vevent["DTSTART"].dt == start + timedelta(hours=1)
    assert webhook_types(receivers, webinar.pk) == [["event.changed"], ["event.changed"]]

    # The reminders follow: nothing a day before the old start, one each a day before the new.
    with freeze_time(start - timedelta(hours=23, minutes=30)):
        assert reminders_enqueue_due() == 0
    with (
        freeze_time(start - timedelta(hours=22, minutes=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_enqueue_due()
        reminders_enqueue_due()  # another cluster's schedule: nothing more
    reminded = [
        m["To"]
        for m in smtp_sink.messages
        if subject(m).startswith(("Påmindelse", "Dit link")) and m["To"] in webinar_people
    ]
    assert Counter(reminded) == Counter(webinar_people)

    # 2. Later, the moderator cancels the course's second session.
    before = len(smtp_sink.messages)
    page = course.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    cancelled = page.sessions.all()[1]
    cancelled.status = SessionStatus.CANCELLED
    publish(page, django_capture_on_commit_callbacks)

    new = smtp_sink.messages[before:]
    assert Counter(m["To"] for m in new) == Counter(course_people)
    assert {subject(m) for m in new} == {"Aflyst: Kompetenceforløb om børnesamtaler"}
    method, calendar = calendar_in(new[0])
    [vevent] = calendar.walk("VEVENT")
    assert method == "CANCEL"
    assert str(vevent["UID"]).startswith(str(cancelled.uuid))
    assert vevent["STATUS"] == "CANCELLED" and vevent["SEQUENCE"] >= 1
    assert webhook_types(receivers, course.pk) == [["event.changed"], ["event.changed"]]

    # Reminders: none for the cancelled module, one each (the day before) for the last one.
    second, third = (s.start for s in course.sessions.order_by("sort_order")[1:])
    for moment in (second - timedelta(hours=23), third - timedelta(hours=23)):
        # The clock stays frozen while the committed emails go out (they are due then).
        with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
            reminders_enqueue_due()
    reminders = OutboundEmail.objects.filter(kind=EmailKind.REMINDER, to__in=course_people)
    assert reminders.count() == len(course_people)
    assert all("Modul 3" in email.body_text for email in reminders)
    reminded = [m["To"] for m in smtp_sink.messages if subject(m).startswith("Påmindelse")]
    assert Counter(reminded) == Counter(course_people)
