"""What registrants are told, with calendar files that update their calendars in place."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from events.mail.reminders import reminders_enqueue_due
from events.mail.tasks import email_deliver
from events.models import EmailKind, OutboundEmail, RegistrantFeedKey, Registration
from events.registrations.applications import (
    application_approve,
    application_decline,
    application_manager_confirm,
)
from events.registrations.services import registrant_feed_key, registration_cancel
from events.retention.services import ERASED_ADDRESS, retention_apply
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

SECRET = "https://teams.example.com/meet/hemmeligt-link"


def deliver() -> None:
    """What the workers do once the changes commit (a test's transaction never commits)."""
    pending = OutboundEmail.objects.filter(status="pending").order_by("pk")
    for pk in pending.values_list("pk", flat=True):
        email_deliver(pk)


def sent_to(address: str):
    deliver()
    return [m for m in mail.outbox if address in m.to]


def calendar_of(message) -> tuple[str, Calendar]:
    [(filename, content, mimetype)] = [a for a in message.attachments if a[0].endswith(".ics")]
    return mimetype, Calendar.from_ical(content)


def vevents(calendar: Calendar):
    return [c for c in calendar.walk("VEVENT")]


def publish_change(event, **session_changes):
    page = event.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())  # held in memory, as the admin form holds them
    session = page.sessions.all()[0]
    for name, value in session_changes.items():
        setattr(session, name, value)
    page.save_revision().publish()
    return type(event).objects.get(pk=event.pk)


@pytest.fixture
def webinar(event_of, vive, vocabulary):  # noqa: F811
    start = timezone.now() + timedelta(days=10)
    return event_of(
        vive,
        title="Webinar om børnesamtaler",
        capacity=1,
        join_url=SECRET,
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
    )


def test_confirmation_carries_a_request_calendar_with_the_sessions_uid(webinar):
    sign_up(webinar, email="anna@kommune.example")
    [message] = sent_to("anna@kommune.example")
    assert message.subject == "Tilmelding bekræftet: Webinar om børnesamtaler"
    mimetype, calendar = calendar_of(message)
    assert "method=REQUEST" in mimetype and calendar["METHOD"] == "REQUEST"
    [vevent] = vevents(calendar)
    assert str(vevent["UID"]).startswith(str(webinar.sessions.get().uuid))
    assert SECRET not in calendar.to_ical().decode()  # the link comes with the join-link email


def test_waiting_list_then_promotion_when_a_seat_frees(webinar):
    first = sign_up(webinar, email="first@kommune.example").registration
    sign_up(webinar, email="second@kommune.example")
    [waiting] = sent_to("second@kommune.example")
    assert waiting.subject.startswith("Du er på ventelisten")
    assert "nummer 1" in waiting.body and not waiting.attachments

    registration_cancel(registration=first)
    [cancelled] = sent_to("first@kommune.example")[1:]
    mimetype, calendar = calendar_of(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    # The registrant is taken off the event (RFC 5546 3.2.5): the event itself goes on.
    assert "STATUS" not in vevents(calendar)[0]
    assert str(vevents(calendar)[0]["ATTENDEE"]) == "mailto:first@kommune.example"

    promoted = sent_to("second@kommune.example")[1]
    assert promoted.subject.startswith("Du har fået en plads")
    assert calendar_of(promoted)[1]["METHOD"] == "REQUEST"


def test_a_second_sign_up_with_the_same_email_gets_an_email_not_a_second_seat(webinar):
    sign_up(webinar, email="anna@kommune.example")
    sign_up(webinar, email="anna@kommune.example")
    subjects = [m.subject for m in sent_to("anna@kommune.example")]
    assert subjects == [
        "Tilmelding bekræftet: Webinar om børnesamtaler",
        "Du er allerede tilmeldt: Webinar om børnesamtaler",
    ]
    assert Registration.objects.filter(email="anna@kommune.example").count() == 1


def test_staff_group_application_emails_the_manager_then_the_decision(event_of, bv, vocabulary):  # noqa: F811
    start = timezone.now() + timedelta(days=30)
    course = event_of(
        bv,
        title="Rådgivningsforløb",
        event_type="advisory_course",
        participation="staff_group",
        format="physical",
        platform_name="",
        venue_name="Rådhuset",
        venue_city="Odense",
        capacity=20,
        sessions=[{"start": start, "end": start + timedelta(hours=3)}],
    )
    outcome = apply_group(course, email="kontakt@kommune.example", participants=6)
    registration = outcome.registration
    [request] = sent_to(registration.manager_email)
    assert request.subject.startswith("Bekræft ledelsesmæssig forankring")
    assert registration.manager_confirm_url() in request.body
    assert sent_to("kontakt@kommune.example")[0].subject.startswith("Ansøgning modtaget")

    application_manager_confirm(registration=registration)
    application_approve(registration=registration)
    approved = sent_to("kontakt@kommune.example")[-1]
    assert approved.subject.startswith("Ansøgning godkendt")
    assert calendar_of(approved)[1]["METHOD"] == "REQUEST"

    other = apply_group(course, email="anden@kommune.example").registration
    application_decline(registration=other)
    assert sent_to("anden@kommune.example")[-1].subject.startswith("Ansøgning ikke imødekommet")


def test_moving_a_session_sends_an_update_with_the_same_uid_and_a_higher_sequence(webinar):
    sign_up(webinar, email="anna@kommune.example")
    session = webinar.sessions.get()
    publish_change(
        webinar, start=session.start + timedelta(hours=1), end=session.end + timedelta(hours=1)
    )
    update = sent_to("anna@kommune.example")[-1]
    assert update.subject == "Ændret tidspunkt eller sted: Webinar om børnesamtaler"
    _, calendar = calendar_of(update)
    [vevent] = vevents(calendar)
    assert str(vevent["UID"]).startswith(str(session.uuid))
    assert vevent["SEQUENCE"] == 1
    assert vevent["DTSTART"].dt == (session.start + timedelta(hours=1)).replace(microsecond=0)

    # Publishing again without a calendar change tells nobody anything.
    count = len(sent_to("anna@kommune.example"))
    webinar.get_latest_revision_as_object().save_revision().publish()
    assert len(sent_to("anna@kommune.example")) == count


def test_cancelling_the_event_sends_a_cancel_calendar_to_everyone_concerned(webinar):
    sign_up(webinar, email="anna@kommune.example")
    sign_up(webinar, email="bent@kommune.example")  # waiting list
    page = webinar.get_latest_revision_as_object()
    page.status = "cancelled"
    page.status_reason = "Oplægsholderen er syg."
    page.save_revision().publish()
    cancellation = sent_to("anna@kommune.example")[-1]
    assert cancellation.subject == "Aflyst: Webinar om børnesamtaler"
    assert "Oplægsholderen er syg." in cancellation.body
    _, calendar = calendar_of(cancellation)
    assert calendar["METHOD"] == "CANCEL"
    assert vevents(calendar)[0]["SEQUENCE"] == 1
    assert sent_to("bent@kommune.example")[-1].subject == "Aflyst: Webinar om børnesamtaler"


def test_join_link_goes_out_before_the_start_and_at_once_to_those_confirmed_later(webinar):
    registration = sign_up(webinar, email="anna@kommune.example").registration
    start = webinar.first_start
    with freeze_time(start - timedelta(hours=25)):
        reminders_enqueue_due()
    assert [m.subject for m in sent_to("anna@kommune.example")] == [
        "Tilmelding bekræftet: Webinar om børnesamtaler"
    ]
    with freeze_time(start - timedelta(hours=23)):
        reminders_enqueue_due()
        reminders_enqueue_due()  # a second run (another cluster, a retry) sends nothing more
        join = sent_to("anna@kommune.example")[-1]
        assert len(sent_to("anna@kommune.example")) == 2
    assert join.subject == "Dit link til Webinar om børnesamtaler"
    assert SECRET in join.body
    _, calendar = calendar_of(join)
    assert SECRET in calendar.to_ical().decode()

    # Someone promoted after the link went out gets it at once.
    with freeze_time(start - timedelta(hours=2)):
        sign_up(webinar, email="sen@kommune.example")  # waiting list: the seat is taken
        registration_cancel(registration=registration)
        assert [m.subject for m in sent_to("sen@kommune.example")] == [
            "Du er på ventelisten: Webinar om børnesamtaler",
            "Du har fået en plads: Webinar om børnesamtaler",
            "Dit link til Webinar om børnesamtaler",
        ]


def test_reminders_follow_a_moved_session_and_are_never_sent_twice(event_of, vive, vocabulary):  # noqa: F811
    start = timezone.now() + timedelta(days=3)
    workshop = event_of(
        vive,
        title="Workshop",
        event_type="workshop",
        format="physical",
        platform_name="",
        join_url="",
        venue_name="VIVE",
        venue_city="København",
        sessions=[{"start": start, "end": start + timedelta(hours=2)}],
    )
    sign_up(workshop, email="anna@kommune.example")
    with freeze_time(start - timedelta(hours=23)):
        assert reminders_enqueue_due() == 1
        assert reminders_enqueue_due() == 0
        assert sent_to("anna@kommune.example")[-1].subject == "Påmindelse: Workshop"

    moved = start + timedelta(days=2)
    workshop = publish_change(workshop, start=moved, end=moved + timedelta(hours=2))
    with freeze_time(start - timedelta(hours=1)):
        assert reminders_enqueue_due() == 0  # the old time is gone
    with freeze_time(moved - timedelta(hours=23)):
        assert reminders_enqueue_due() == 1  # reminded again for the new time
    kinds = list(
        OutboundEmail.objects.filter(to="anna@kommune.example").values_list("kind", flat=True)
    )
    assert kinds.count(EmailKind.REMINDER) == 2

    page = workshop.get_latest_revision_as_object()
    page.status = "cancelled"
    page.save_revision().publish()
    with freeze_time(moved - timedelta(hours=2)):
        assert reminders_enqueue_due() == 0  # never for a cancelled event


def test_follow_up_with_material_once_the_event_is_over(webinar):
    sign_up(webinar, email="anna@kommune.example")
    page = webinar.get_latest_revision_as_object()
    page.recording_url = "https://video.example/optagelse"
    page.evaluation_url = "https://survey.example/evaluering"
    page.save_revision().publish()
    assert not [m for m in sent_to("anna@kommune.example") if "Materiale" in m.subject]
    with freeze_time(webinar.last_end + timedelta(hours=2)):
        reminders_enqueue_due()
        reminders_enqueue_due()
        [follow_up] = [m for m in sent_to("anna@kommune.example") if "Materiale" in m.subject]
    assert "https://video.example/optagelse" in follow_up.body
    assert "https://survey.example/evaluering" in follow_up.body
    assert "svar gerne på evalueringen" in follow_up.body


def test_a_follow_up_without_an_evaluation_asks_for_none(webinar):
    sign_up(webinar, email="anna@kommune.example")
    page = webinar.get_latest_revision_as_object()
    page.recording_url = "https://video.example/optagelse"
    page.save_revision().publish()
    with freeze_time(webinar.last_end + timedelta(hours=2)):
        reminders_enqueue_due()
        [follow_up] = [m for m in sent_to("anna@kommune.example") if "Materiale" in m.subject]
    assert "Materialet fra arrangementet er nu tilgængeligt." in follow_up.body
    assert "evaluering" not in follow_up.body.lower()


def test_retention_erases_the_people_and_keeps_the_counts(webinar, settings, event_of, vive):
    anna = sign_up(webinar, email="anna@kommune.example", accessibility_needs="Tolk").registration
    sign_up(webinar, email="bent@kommune.example")
    later = event_of(vive, sessions=[{"start": webinar.last_end + timedelta(days=365)}])
    sign_up(later, email="bent@kommune.example")
    for email in ("anna@kommune.example", "bent@kommune.example"):
        registrant_feed_key(email=email)
    with freeze_time(webinar.last_end + timedelta(days=1, hours=1)):
        retention_apply()
    anna.refresh_from_db()
    assert anna.accessibility_needs == "" and anna.email == "anna@kommune.example"

    with freeze_time(webinar.last_end + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 1)):
        call_command("retention_run", stdout=StringIO())
    people = Registration.objects.filter(event=webinar)
    assert people.filter(anonymised_at__isnull=False).count() == 2
    # Bent's key stays for his coming event; Anna's, naming her email, is gone.
    assert set(RegistrantFeedKey.objects.values_list("email", flat=True)) == {
        "bent@kommune.example"
    }
    assert not people.filter(email__contains="kommune.example").exists()
    assert (
        not people.exclude(name="")
        .exclude(name__startswith="Slettet")
        .filter(name__startswith="Deltager")
        .exists()
    )
    counts = {
        (r.status, r.municipality.code, r.job_role.slug)
        for r in people.select_related("municipality", "job_role")
    }
    assert counts == {
        ("confirmed", "0101", "sagsbehandlere"),
        ("waiting_list", "0101", "sagsbehandlere"),
    }
    emails = OutboundEmail.objects.filter(registration_id__in=people.values("pk"))
    assert set(emails.values_list("to", flat=True)) == {ERASED_ADDRESS}
    assert not emails.exclude(body_text="").exists()


def test_follow_up_links_only_the_knowledge_the_api_shows(webinar, vive):
    """The follow-up's material and the API's ``material`` read one rule of what is public: an
    expired knowledge item (live, unrestricted, but withdrawn) is in neither."""
    from home.models import KnowledgeIndexPage, KnowledgePage

    folder = KnowledgeIndexPage.objects.get(partner=vive)
    shown, withdrawn = [
        folder.add_child(instance=KnowledgePage(title=title, kind="report", year=2024))
        for title in ("Rapport om børnesamtaler", "Trukket tilbage")
    ]
    for item in (shown, withdrawn):
        item.save_revision().publish()
    KnowledgePage.objects.filter(pk=withdrawn.pk).update(
        expired=True, expire_at=timezone.now() - timedelta(days=1)
    )
    sign_up(webinar, email="anna@kommune.example")
    page = webinar.get_latest_revision_as_object()
    page.related_knowledge.set([shown, withdrawn])
    page.save_revision().publish()
    with freeze_time(webinar.last_end + timedelta(hours=2)):
        reminders_enqueue_due()
        [follow_up] = [m for m in sent_to("anna@kommune.example") if "Materiale" in m.subject]
    assert "Rapport om børnesamtaler" in follow_up.body
    assert f"Rapport om børnesamtaler: {django_settings.BASE_URL}{shown.url}\n" in follow_up.body
    assert "/api/" not in follow_up.body
    assert "Trukket tilbage" not in follow_up.body


def test_follow_up_links_knowledge_where_a_person_reads_it(webinar, vive):
    """The publication where its publisher presents it, else its document, else its own page:
    a professional following the link reads the item, not the API's JSON."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from home.models import KnowledgeIndexPage, KnowledgePage, KnowledgePageDocument

    folder = KnowledgeIndexPage.objects.get(partner=vive)
    elsewhere, documented, plain = [
        folder.add_child(instance=KnowledgePage(title=title, kind="report", year=2024, **fields))
        for title, fields in (
            ("Udgivet hos VIVE", {"external_url": "https://www.vive.dk/da/udgivelser/x/"}),
            ("Med rapport", {}),
            ("Kun resumé", {}),
        )
    ]
    document = get_document_model()(title="Rapporten")
    document.file.save("rapporten.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    KnowledgePageDocument.objects.create(page=documented, document=document)
    for item in (elsewhere, documented, plain):
        item.save_revision().publish()
    sign_up(webinar, email="anna@kommune.example")
    page = webinar.get_latest_revision_as_object()
    page.related_knowledge.set([elsewhere, documented, plain])
    page.save_revision().publish()
    with freeze_time(webinar.last_end + timedelta(hours=2)):
        reminders_enqueue_due()
        [follow_up] = [m for m in sent_to("anna@kommune.example") if "Materiale" in m.subject]
    base = django_settings.BASE_URL
    assert "- Udgivet hos VIVE: https://www.vive.dk/da/udgivelser/x/\n" in follow_up.body
    assert f"- Med rapport: {base}/documents/{document.pk}/rapporten" in follow_up.body
    assert f"- Kun resumé: {base}{plain.url}\n" in follow_up.body
