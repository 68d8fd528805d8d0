"""Messages to registrants: the recipients and their count, the merge field, the preview, the
send through the outbox (once per person, however often the tasks run), the calendar file, the
partner scoping of every page, and hostile input."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from events.courses.messages import (
    MessageError,
    message_copies,
    message_recipients,
    message_send,
    message_validate,
)
from events.mail.tasks import email_deliver
from events.models import EmailKind, EventMessage, GroupMember, OutboundEmail, Registration
from home.outbox import DeliveryStatus
from tests.events.conftest import local
from tests.events.messaging import form, many_registrations
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2030, 3, 10, 9)


@pytest.fixture
def course(event_of, vive):
    event = event_of(
        vive,
        title="Kursus i børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        capacity=2,
        sessions=[
            {"title": "Modul 1", "start": START, "end": START + timedelta(hours=3)},
            {
                "title": "Modul 2",
                "start": START + timedelta(days=7),
                "end": START + timedelta(days=7, hours=3),
            },
        ],
    )
    sign_up(event, name="Søren Ærø", email="soeren@kommune.example")
    sign_up(event, name="Åse Øster", email="aase@kommune.example")
    sign_up(event, name="Vera Venteliste", email="vera@kommune.example")  # full: waiting list
    return event


def compose_url(event) -> str:
    return reverse("event_messages:compose", args=[event.pk])


def send(event, **fields):
    values = {
        "event": event,
        "session": None,
        "audience": "confirmed",
        "subject": "Praktisk om {arrangement}",
        "body": "Kære {navn}\n\nHusk jeres sager.",
        "attach_calendar": False,
        "key": uuid.uuid4(),
        "by": None,
    }
    values.update(fields)
    return message_send(**values)


def deliver_all() -> list[str]:
    """Deliver every message copy (the sign-ups' own emails stay undelivered)."""
    copies = OutboundEmail.objects.filter(kind=EmailKind.MESSAGE).order_by("pk")
    return [email_deliver(pk) for pk in copies.values_list("pk", flat=True)]


def message_emails_exist() -> bool:
    return OutboundEmail.objects.filter(kind=EmailKind.MESSAGE).exists()


# --- recipients, merge and placeholders ---------------------------------------------------


def test_recipients_by_audience_each_address_once(course):
    confirmed = [r.email for r in message_recipients(event=course, audience="confirmed")]
    waiting = [r.email for r in message_recipients(event=course, audience="waiting")]
    everyone = [r.email for r in message_recipients(event=course, audience="all")]
    assert confirmed == ["soeren@kommune.example", "aase@kommune.example"]
    assert waiting == ["vera@kommune.example"]
    assert everyone == [*confirmed, *waiting]


def test_named_members_of_a_confirmed_group_get_it_without_the_applicants_words(event_of, vive):
    event = event_of(
        vive, title="Forløb for medarbejdergrupper", participation="staff_group", capacity=20
    )
    group = apply_group(event, participants=2, name="Kontakt Person").registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    GroupMember.objects.create(registration=group, name="<b>Navn fra ansøger</b>", email="a@x.dk")
    GroupMember.objects.create(registration=group, name="Anden", email=group.email.upper())
    recipients = message_recipients(event=event, audience="confirmed")
    assert [(r.email, r.name) for r in recipients] == [
        (group.email, "Kontakt Person"),
        ("a@x.dk", "deltager"),  # a name the applicant typed never goes to an address they typed
    ]


def test_every_copy_has_its_own_name_merged(course):
    send(course)
    copies = {e.to: e for e in OutboundEmail.objects.filter(kind=EmailKind.MESSAGE)}
    assert set(copies) == {"soeren@kommune.example", "aase@kommune.example"}
    assert copies["soeren@kommune.example"].body_text.startswith("Kære Søren Ærø\n")
    assert copies["aase@kommune.example"].body_text.startswith("Kære Åse Øster\n")
    assert copies["aase@kommune.example"].subject == "Praktisk om Kursus i børnesamtaler"
    assert "Modul 1" in copies["aase@kommune.example"].body_text
    assert "Kære Åse Øster" in copies["aase@kommune.example"].body_html


@pytest.mark.parametrize(
    ("subject", "body", "says"),
    [
        ("Hej {fornavn}", "Tekst", "Emne: flettefeltet {fornavn} findes ikke"),
        ("Hej", "Kære {navn.__class__}", "Tekst: flettefeltet {navn.__class__} findes ikke"),
        ("Hej", "Kære {navn!r}", "Tekst: flettefeltet {navn!r} findes ikke"),
        ("Hej", "Kære {0}", "Tekst: flettefeltet {0} findes ikke"),
        ("Hej", "Kære {navn:>99999}", "Tekst: flettefeltet {navn:>99999} findes ikke"),
        ("Hej", "En { alene", "Tekst: en krøllet parentes står alene"),
        ("", "Tekst", "Emne: skriv et emne"),
        ("Hej\nBcc: x@y.dk", "Tekst", "Emne: emnet skal stå på én linje"),
        ("Hej", "   ", "Tekst: skriv en tekst"),
        ("Hej", "a\x00b", "Tekst: teksten indeholder et ugyldigt tegn"),
        ("x" * 151, "Tekst", "Emne: højst 150 tegn"),
    ],
)
def test_unknown_placeholders_and_faults_are_refused_in_danish(subject, body, says):
    with pytest.raises(MessageError) as raised:
        message_validate(subject=subject, body=body)
    assert says in raised.value.message


def test_braces_doubled_are_kept_as_braces(course):
    send(course, body="Kære {navn}, se {{programmet}}.")
    email = OutboundEmail.objects.get(to="soeren@kommune.example", kind=EmailKind.MESSAGE)
    assert email.body_text.startswith("Kære Søren Ærø, se {programmet}.")


# --- the send: once per person --------------------------------------------------------------


def test_a_message_to_1000_registrants_goes_out_once_per_person_however_often_tasks_run(
    event_of, vive, django_capture_on_commit_callbacks
):
    event = event_of(vive, title="Stort webinar", capacity=None)
    many_registrations(event, 1000)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = send(event, key=key)
        again = send(event, key=key)  # the same form sent twice
    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk
    assert len(callbacks) == 1000  # one delivery task per copy, none for the repeat
    assert first.message.recipients == 1000

    assert deliver_all().count("sent") == 1000
    assert set(deliver_all()) == {"skipped"}  # the tasks once more: nothing sent again
    assert len(mail.outbox) == 1000
    assert len({m.to[0] for m in mail.outbox}) == 1000
    assert message_copies(first.message).filter(status=DeliveryStatus.SENT).count() == 1000
    assert EventMessage.objects.count() == 1


def test_a_failed_copy_is_logged_and_resent_from_the_email_log(
    client, course, vive_moderator, settings, django_capture_on_commit_callbacks
):
    sent = send(course)
    settings.EMAIL_BACKEND = "tests.events.test_messages.RefusingBackend"
    assert set(deliver_all()) == {"failed"}
    copy = message_copies(sent.message).get(to="aase@kommune.example")
    OutboundEmail.objects.filter(pk=copy.pk).update(status=DeliveryStatus.FAILED)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    client.force_login(vive_moderator)
    log = client.get(reverse("outbound_emails:index") + "?kind=message").content.decode()
    assert "Praktisk om Kursus i børnesamtaler" in log and "aase@kommune.example" in log
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outbound_emails:resend", args=[copy.pk]))
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["aase@kommune.example"]]


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("mail server down")

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_calendar_file_is_attached_and_holds_the_chosen_session(course):
    second = course.sessions.order_by("sort_order").last()
    send(course, session=second, attach_calendar=True, subject="Om modul 2")
    deliver_all()
    message = next(m for m in mail.outbox if m.to == ["soeren@kommune.example"])
    (name, content, mimetype) = message.attachments[0]
    assert name == "arrangement.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    assert "Modul 2" in str(events[0]["SUMMARY"])
    assert events[0].decoded("DTSTART") == second.start
    assert "Modul 1" not in message.body  # the text lists only the chosen session
    assert "Modul 2" in message.body


def test_without_recipients_nothing_is_written(event_of, vive):
    event = event_of(vive, title="Tomt arrangement")
    with pytest.raises(MessageError, match="Modtagere: der er ingen at sende til"):
        send(event)
    assert not EventMessage.objects.exists() and not message_emails_exist()


# --- the pages ------------------------------------------------------------------------------


def test_the_compose_page_counts_each_audience(client, course, vive_moderator):
    client.force_login(vive_moderator)
    response = client.get(compose_url(course))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span data-count="confirmed">2</span>' in body
    assert '<span data-count="waiting">1</span>' in body
    assert '<span data-count="all">3</span>' in body


def test_the_preview_shows_the_first_recipients_copy_and_the_count_and_writes_nothing(
    client, course, vive_moderator
):
    client.force_login(vive_moderator)
    response = client.post(compose_url(course), form(audience="all"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beskeden sendes til 3 modtagere" in body
    assert "Kære Søren Ærø" in body
    assert "Praktisk om Kursus i børnesamtaler" in body
    assert not EventMessage.objects.exists() and not message_emails_exist()


def test_send_from_the_page_then_its_page_shows_the_copies(client, course, vive_moderator):
    client.force_login(vive_moderator)
    data = form(step="send")
    response = client.post(compose_url(course), data)
    message = EventMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event_messages:detail", args=[message.pk])
    assert client.post(compose_url(course), data).status_code == 302  # a double click
    assert EventMessage.objects.count() == 1 and message_copies(message).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Beskeden er lagt i kø til 2 modtagere" in page
    assert message.created_by == vive_moderator


def test_the_registrations_list_has_the_button_for_moderators_only(
    client, course, vive_moderator, vive_editor
):
    client.force_login(vive_moderator)
    listing = client.get(reverse("registrations:index")).content.decode()
    assert "Skriv til deltagerne" in listing and compose_url(course) in listing
    client.force_login(vive_editor)
    listing = client.get(reverse("registrations:index")).content.decode()
    assert "Skriv til deltagerne" not in listing


def _outsider_pages(course) -> list[tuple[str, str, dict | None]]:
    message = send(course).message
    detail = reverse("event_messages:detail", args=[message.pk])
    return [
        ("get", compose_url(course), None),
        ("post", compose_url(course), form()),
        ("post", compose_url(course), form(step="send")),
        ("get", detail, None),
    ]


@pytest.mark.parametrize("who", ["bv_moderator", "bv_editor", "vive_editor"])
def test_no_page_shows_anything_to_another_partner_or_an_editor(client, course, who, request):
    user = request.getfixturevalue(who)
    pages = _outsider_pages(course)
    client.force_login(user)
    for method, url, data in pages:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        body = response.content.decode()
        expected = 403 if who.endswith("editor") else 404
        assert response.status_code == expected, (who, url)
        for secret in ("Kursus i børnesamtaler", "Søren Ærø", "soeren@kommune.example", "Husk"):
            assert secret not in body, (who, url, secret)
        if expected == 403:
            assert "Kun arrangørens moderatorer kan skrive til deltagerne." in body
    assert EventMessage.objects.count() == 1  # only the one sent above


@pytest.mark.parametrize(
    ("fields", "names"),
    [
        ({"audience": "alle"}, "Modtagere"),
        ({"audience": None}, "Modtagere"),
        ({"session": "abc"}, "Session"),
        ({"session": "99999999999999999999999"}, "Session"),
        ({"key": "ikke-en-nøgle"}, "Formularens nøgle (key)"),
        ({"key": None}, "Formularens nøgle (key)"),
        ({"subject": "Hej {efternavn}"}, "Emne: flettefeltet {efternavn} findes ikke"),
        ({"body": "Kære {navn"}, "Tekst: en krøllet parentes står alene"),
        ({"body": "a\x00b"}, "Tekst: teksten indeholder et ugyldigt tegn"),
        ({"body": "x" * 10_001}, "Tekst: højst 10000 tegn"),
        ({"step": "slet"}, "Trin (step)"),
    ],
)
@pytest.mark.parametrize("step", ["preview", "send"])
def test_hostile_input_is_a_danish_400_naming_the_field_and_writes_nothing(
    client, course, vive_moderator, fields, names, step
):
    client.force_login(vive_moderator)
    response = client.post(compose_url(course), form(**{"step": step, **fields}))
    assert response.status_code == 400
    assert names in response.content.decode()
    assert not EventMessage.objects.exists() and not message_emails_exist()


def test_another_events_session_and_repeated_fields_are_refused(
    client, course, event_of, vive, vive_moderator
):
    other = event_of(vive, title="Andet arrangement")
    client.force_login(vive_moderator)
    foreign = str(other.sessions.get().pk)
    response = client.post(compose_url(course), form(step="send", session=foreign))
    assert response.status_code == 400 and "Session" in response.content.decode()
    data = form(step="send")
    data["audience"] = ["confirmed", "all"]
    response = client.post(compose_url(course), data)
    assert response.status_code == 400
    assert "Modtagere (audience): angiv én værdi." in response.content.decode()
    assert not EventMessage.objects.exists()


def test_an_id_out_of_range_is_a_404(client, vive_moderator):
    client.force_login(vive_moderator)
    huge = 2**63
    assert client.get(f"/admin/beskeder/{huge}/").status_code == 404
    assert client.get(f"/admin/beskeder/besked/{huge}/").status_code == 404


def test_an_erased_registrants_copy_is_emptied_and_they_get_no_later_message(course):
    from events.retention.services import ERASED_ADDRESS, registrant_erase

    send(course)
    soeren = Registration.objects.get(email="soeren@kommune.example").pk
    registrant_erase(email="soeren@kommune.example")
    copy = OutboundEmail.objects.get(kind=EmailKind.MESSAGE, registration_id=soeren)
    assert copy.to == ERASED_ADDRESS and "Søren" not in copy.body_text + copy.subject
    assert copy.status != DeliveryStatus.PENDING  # never sent now
    send(course, audience="all")
    later = OutboundEmail.objects.filter(kind=EmailKind.MESSAGE).values_list("to", flat=True)
    assert "soeren@kommune.example" not in set(later)
