"""No link a person follows from an email, a feed or a calendar file opens JSON (issue 15).

A demo-like set of events goes through everything that writes to a registrant: sign-ups, the
waiting list and its promotion, a staff group's application, a change, reminders and the join
link, cancellations and the follow-up with material. Every http(s) URL in every email (text,
HTML, calendar file), in the public feeds and in the registrant's own feed is collected; each one
on this system is followed with the test client and must land on a page (or a calendar, or a
file), never JSON and never an error. Links to other sites are not fetched, but none may point at
an ``/api/`` path.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar
from wagtail.documents import get_document_model

from events.courses.certificates import certificates_issue
from events.courses.messages import message_send
from events.evaluations.services import evaluations_invite, evaluations_remind
from events.ical.selectors import registrant_feed_url
from events.mail.event_notices import follow_up_notify
from events.mail.reminders import reminders_enqueue_due
from events.models import EmailKind, EventPage, EventPageSlide, OutboundEmail
from events.registrations.applications import (
    application_approve,
    application_decline,
    application_manager_confirm,
    application_manager_decline,
)
from events.registrations.changes import registration_details_change, registration_transfer
from events.registrations.offers import offers_expire
from events.registrations.services import registrant_feed_key, registration_cancel
from home.models import KnowledgeIndexPage, KnowledgePage, KnowledgePageDocument, Partner
from tests.events.conftest import build_event
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401
from tests.events.test_certificates import AFTER, attend, build_course, person

URL = re.compile(r"https?://[^\s<>\"'\\]+")
VIVE_TEMPLATE = "https://www.vive.dk/arrangementer/#arrangement-{id}"


def urls_in(text: str) -> set[str]:
    return {url.rstrip(".,;:)]") for url in URL.findall(html.unescape(text or ""))}


def urls_in_calendar(data: str | bytes) -> set[str]:
    """Every URL a calendar holds: URL-valued properties and any URL in a text (DESCRIPTION)."""
    found: set[str] = set()
    for component in Calendar.from_ical(data).walk():
        for value in component.values():
            for item in value if isinstance(value, list) else [value]:
                found |= urls_in(str(item))
    return found


def _document(title: str):
    document = get_document_model()(title=title)
    document.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4 materiale"), save=False)
    document.save()
    return document


def _publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def _knowledge(vive) -> list[KnowledgePage]:
    """Knowledge items as editors make them: one pointing at its publication elsewhere, one with
    a document only, one with neither."""
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    elsewhere = KnowledgePage(
        title="Anbragte unges trivsel",
        kind="report",
        year=2024,
        external_url="https://www.vive.dk/da/udgivelser/anbragte-unges-trivsel/",
    )
    with_document = KnowledgePage(title="Børnesamtaler i praksis", kind="report", year=2025)
    own_page_only = KnowledgePage(title="Metode til børneinddragelse", kind="method", year=2023)
    items = [folder.add_child(instance=p) for p in (elsewhere, with_document, own_page_only)]
    KnowledgePageDocument.objects.create(
        page=with_document, document=_document("boernesamtaler-rapport")
    )
    return [_publish(item) for item in items]


@pytest.fixture
def demo_like(event_of, vive, bv, sst, vocabulary):  # noqa: F811
    """The centre as `setup_centre` leaves it, with VIVE's own page hosting the widget and
    Børns Vilkår's template emptied by an admin: all three ways an event's link is made."""
    Partner.objects.filter(pk=vive.pk).update(event_url_template=VIVE_TEMPLATE)
    Partner.objects.filter(pk=bv.pk).update(event_url_template="")
    start = timezone.now() + timedelta(days=10)
    webinar = event_of(
        bv,
        title="Webinar om børnesamtaler",
        capacity=1,
        join_url="https://teams.example.com/meet/hemmeligt-link",
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
    )
    seminar = event_of(
        vive,
        title="Workshop om anbragte børn",
        event_type="workshop",
        format="physical",
        platform_name="",
        join_url="",
        venue_name="VIVE",
        venue_city="København",
        sessions=[{"start": start + timedelta(days=5), "end": start + timedelta(days=5, hours=6)}],
    )
    later = start + timedelta(days=20)
    course = event_of(
        sst,
        title="Rådgivningsforløb: Børneinddragelse i myndighed",
        event_type="advisory_course",
        participation="staff_group",
        format="physical",
        platform_name="",
        join_url="",
        venue_name="Rådhuset",
        venue_city="Odense",
        capacity=20,
        sessions=[{"start": later, "end": later + timedelta(hours=3)}],
    )
    return {"webinar": webinar, "seminar": seminar, "course": course}


def _everything_registrants_are_told(events: dict, vive) -> None:
    webinar, seminar, course = events["webinar"], events["seminar"], events["course"]
    anna = sign_up(webinar, email="anna@kommune.example").registration  # confirmation
    sign_up(webinar, email="bent@kommune.example")  # waiting list
    sign_up(webinar, email="anna@kommune.example")  # already registered
    at_seminar = sign_up(seminar, email="anna@kommune.example").registration
    registration_details_change(  # details changed
        registration=at_seminar,
        name="Anna Andersen",
        phone="",
        workplace=at_seminar.workplace,
        municipality=at_seminar.municipality,
        job_role=at_seminar.job_role,
        accessibility_needs="",
        answers={},
    )
    member = {"name": "Mette", "email": "mette@kommune.example", "answers": {}}
    approved = apply_group(course, email="kontakt@kommune.example", members=[member]).registration
    application_manager_confirm(registration=approved)
    application_approve(registration=approved)  # the member's seat, the manager told
    declined = apply_group(course, email="kontakt2@kommune.example").registration
    application_manager_confirm(registration=declined)
    application_decline(registration=declined)  # the manager told
    not_anchored = apply_group(course, email="kontakt3@kommune.example").registration
    application_manager_decline(registration=not_anchored, reason="Ikke i år")
    withdrawn = apply_group(
        course, email="kontakt4@kommune.example", members=[{**member, "email": "mo@k.example"}]
    ).registration
    application_manager_confirm(registration=withdrawn)
    application_approve(registration=withdrawn)
    registration_cancel(registration=withdrawn)  # the member's calendar entry cancelled
    registration_cancel(registration=anna)  # cancelled; Bent is promoted
    offering = build_event(vive, title="Kursus med tilbud", capacity=1, waiting_list_offer_hours=48)
    dorte = sign_up(offering, email="dorte@kommune.example").registration
    sign_up(offering, email="erik@kommune.example")
    sign_up(offering, email="frida@kommune.example")
    registration_cancel(registration=dorte)  # Erik is offered the seat
    offers_expire(now=timezone.now() + timedelta(hours=49))  # it expires; Frida is offered it
    carl = sign_up(webinar, email="carl@kommune.example").registration  # waiting list again
    registration_transfer(  # Carl's colleague takes his place on the waiting list
        registration=carl,
        name="Gitte",
        email="gitte@kommune.example",
        workplace="PPR",
        municipality=carl.municipality,
        job_role=None,
        consent=True,
    )

    page = webinar.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    session = page.sessions.all()[0]
    session.start += timedelta(hours=2)
    session.end += timedelta(hours=2)
    page.recording_url = "https://video.example/optagelse"
    page.evaluation_url = "https://survey.example/evaluering"
    page.slides = [EventPageSlide(document=_document("slides"), title="Slides")]
    page.related_knowledge = _knowledge(vive)
    webinar = _publish(page)  # event changed

    reminders_enqueue_due(now=webinar.first_start - timedelta(minutes=30))  # reminder, join link
    follow_up_notify(event=webinar, now=webinar.last_end + timedelta(hours=2))

    page = seminar.get_latest_revision_as_object()
    page.status = "cancelled"
    page.status_reason = "Sygdom"
    _publish(page)  # event cancelled

    message_send(  # a moderator writes to the webinar's registrants, with the calendar file
        event=webinar,
        session=None,
        audience="all",
        subject="Praktisk om {arrangement}",
        body="Kære {navn}\n\nVi glæder os til at se dig.",
        attach_calendar=True,
        key=uuid.uuid4(),
        by=None,
    )
    course = build_course(build_event, vive)  # a course certificate, once it is over
    attend(course, person(course, "Lærke Ørsted", "laerke@kommune.example"), 3)
    with freeze_time(AFTER):
        certificates_issue(event=course)
        evaluations_invite(event=course)  # the invitation to evaluate it
    with freeze_time(AFTER + timedelta(days=6)):
        evaluations_remind(event=course)  # and the one reminder


def _lands(client: Client, url: str, base_url: str, where: str) -> None:
    path = url.removeprefix(base_url)
    response = client.get(path, follow=True)
    final = response.request["PATH_INFO"]
    content_type = response.get("Content-Type", "")
    assert "json" not in content_type, f"{where}: {url} answers {content_type}"
    assert response.status_code < 500, f"{where}: {url} answers {response.status_code}"
    if final.startswith("/media/"):  # a document's file, which the test server does not serve
        assert default_storage.exists(final.removeprefix("/media/")), f"{where}: {url}"
    elif final.startswith("/indtjekning/") and not final.endswith("/qr.png"):
        # The check-in code's page is the organiser's moderators' alone: anyone else, the
        # registrant who follows it included, gets the Danish page that says so.
        assert response.status_code == 403, f"{where}: {url} answers {response.status_code}"
        assert "vis QR-koden fra din bekræftelse" in response.content.decode(), f"{where}: {url}"
    else:
        assert response.status_code == 200, f"{where}: {url} answers {response.status_code}"


def test_no_link_in_an_email_feed_or_calendar_file_opens_json(demo_like, vive, client, settings):
    _everything_registrants_are_told(demo_like, vive)
    emails = list(OutboundEmail.objects.order_by("pk"))
    assert {e.kind for e in emails} == set(EmailKind.values), "every kind of email is checked"

    links: dict[str, str] = {}  # URL → where it was found
    for email in emails:
        for url in urls_in(email.body_text) | urls_in(email.body_html):
            links.setdefault(url, f"{email.kind} email")
        if email.ics:
            for url in urls_in_calendar(email.ics):
                links.setdefault(url, f"{email.kind} email's calendar file")
    event_pk = demo_like["webinar"].pk
    feed_urls = [
        f"{settings.BASE_URL}/feeds/events.ics",
        f"{settings.BASE_URL}/feeds/events/{event_pk}.ics",
        registrant_feed_url(registrant_feed_key(email="bent@kommune.example")),
    ]
    for feed_url in feed_urls:
        response = client.get(feed_url.removeprefix(settings.BASE_URL))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        links.setdefault(feed_url, "the feeds")
        for url in urls_in_calendar(response.content):
            links.setdefault(url, feed_url)

    ours = {url: where for url, where in links.items() if url.startswith(settings.BASE_URL)}
    theirs = {url: where for url, where in links.items() if url not in ours}
    for url, where in sorted(theirs.items()):
        assert not urlsplit(url).path.startswith("/api/"), f"{where}: {url}"
    for url, where in sorted(ours.items()):
        _lands(client, url, settings.BASE_URL, where)
    # The collection found what it should: each way an event's link is made, and the material.
    assert f"{settings.BASE_URL}/arrangementer/{event_pk}/" in ours
    assert VIVE_TEMPLATE.format(id=demo_like["seminar"].pk) in theirs
    assert f"{settings.BASE_URL}/arrangementer/{demo_like['course'].pk}/" in ours
    assert "https://www.vive.dk/da/udgivelser/anbragte-unges-trivsel/" in theirs
    assert any("/documents/" in url for url in ours)
    assert any("/tilmelding/" in url for url in ours)


def test_every_event_a_feed_lists_links_to_a_page(demo_like, client, settings):
    """The list feed's links are made from query rows, not pages: they follow the same rule."""
    feed = client.get("/feeds/events.ics").content
    listed = {str(vevent["URL"]) for vevent in Calendar.from_ical(feed).walk("VEVENT")}
    expected = {
        f"{settings.BASE_URL}/arrangementer/{demo_like['webinar'].pk}/",
        VIVE_TEMPLATE.format(id=demo_like["seminar"].pk),
        f"{settings.BASE_URL}/arrangementer/{demo_like['course'].pk}/",
    }
    assert listed == expected
    assert EventPage.objects.live().count() == 3
