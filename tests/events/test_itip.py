"""The calendar files in emails follow iTIP (RFC 5546): METHOD, the recipient as ATTENDEE, the
organising partner's contact as ORGANIZER, and the feeds' UID and SEQUENCE; a registrant's own
cancellation takes them off the event without calling it off. Read with ``icalendar`` and the
feeds' independent parsers (``tests.feeds.conftest.parse_all``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from events import ical
from events.mail.compose import JOIN_LINK_COMES_NOW
from events.models import EventPage, OutboundEmail
from events.registrations.services import registration_cancel
from tests.events.groups import START as GROUP_START
from tests.events.groups import approved, group_course, member
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401
from tests.events.test_notifications import SECRET, calendar_of, publish_change, sent_to, vevents
from tests.feeds.conftest import assert_folded, parse_all

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    vive.contact_email = "arrangementer@vive.example"
    vive.save()
    start = timezone.now() + timedelta(days=10)
    return event_of(
        vive,
        title="Webinar om børnesamtaler",
        format="online",
        platform_name="Teams",
        join_url=SECRET,
        join_link_hours=24,
        contact_email="kontaktperson@vive.example",
        sessions=[
            {"title": "Del 1", "start": start, "end": start + timedelta(hours=1)},
            {
                "title": "Del 2",
                "start": start + timedelta(days=1),
                "end": start + timedelta(days=1, hours=1),
            },
        ],
    )


def _addressed(vevent, address: str, name: str) -> None:
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == f"mailto:{address}"
    assert attendee.params["CN"] == name
    assert attendee.params["RSVP"] == "FALSE"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"


def _raw(message) -> bytes:
    [(_, content, _)] = [a for a in message.attachments if a[0].endswith(".ics")]
    return content.encode() if isinstance(content, str) else content


def test_confirmation_is_a_request_to_the_registrant_from_the_partners_contact(webinar):
    sign_up(webinar, email="anna@kommune.example", name="Anna Ærø")
    [message] = sent_to("anna@kommune.example")
    mimetype, calendar = calendar_of(message)
    assert "method=REQUEST" in mimetype
    assert calendar["METHOD"] == "REQUEST"
    sessions = {str(s.uuid): s for s in webinar.sessions.all()}
    events = vevents(calendar)
    assert len(events) == 2
    for vevent in events:
        _addressed(vevent, "anna@kommune.example", "Anna Ærø")
        assert str(vevent["ORGANIZER"]) == "mailto:arrangementer@vive.example"
        assert vevent["ORGANIZER"].params["CN"] == webinar.partner.name
        uuid = str(vevent["UID"]).split("@")[0]
        assert vevent["SEQUENCE"] == sessions[uuid].sequence
        assert str(vevent["UID"]) == ical.session_uid(sessions[uuid])  # as in the feeds
    raw = _raw(message)
    assert_folded(raw)
    assert len(parse_all(raw)) == 2  # ical.js and the other parsers read the same two
    assert b"noreply" not in raw


def test_a_partner_without_a_contact_address_organises_as_the_centre(event_of, vive):
    start = timezone.now() + timedelta(days=5)
    event = event_of(vive, sessions=[{"start": start, "end": start + timedelta(hours=2)}])
    assert vive.contact_email == ""
    calendar = ical.calendar_for_event(EventPage.objects.get(pk=event.pk), method="REQUEST")
    [vevent] = vevents(calendar)
    assert str(vevent["ORGANIZER"]) == f"mailto:{settings.CENTRE_CONTACT_EMAIL}"


def test_a_registrants_own_cancellation_takes_them_off_but_does_not_call_the_event_off(webinar):
    registration = sign_up(webinar, email="bo@kommune.example", name="Bo Ø").registration
    registration_cancel(registration=registration)
    [_, cancelled] = sent_to("bo@kommune.example")
    [filename] = [a[0] for a in cancelled.attachments]
    assert filename == "afmelding.ics"
    mimetype, calendar = calendar_of(cancelled)
    assert "method=CANCEL" in mimetype and calendar["METHOD"] == "CANCEL"
    first = {str(v["UID"]): v for v in vevents(calendar)}
    for vevent in first.values():
        _addressed(vevent, "bo@kommune.example", "Bo Ø")
        assert "STATUS" not in vevent  # RFC 5546 3.2.5: uninviting one attendee
        assert not str(vevent["SUMMARY"]).startswith(ical.CANCELLED_PREFIX)
    assert set(first) == {ical.session_uid(s) for s in webinar.sessions.all()}
    assert_folded(_raw(cancelled))
    # The email says it is over for them and offers nothing more to see or cancel.
    assert "Se eller annullér din tilmelding" not in cancelled.body
    assert registration.manage_url() not in cancelled.body


def test_a_change_is_a_request_to_each_registrant_with_the_same_uid_and_a_higher_sequence(
    webinar,
):
    sign_up(webinar, email="a@kommune.example", name="A")
    sign_up(webinar, email="b@kommune.example", name="B")
    session = webinar.sessions.order_by("sort_order").first()
    publish_change(webinar, start=session.start + timedelta(hours=1))
    session.refresh_from_db()
    assert session.sequence == 1
    for address, name in (("a@kommune.example", "A"), ("b@kommune.example", "B")):
        changed = sent_to(address)[-1]
        _, calendar = calendar_of(changed)
        assert calendar["METHOD"] == "REQUEST"
        moved = {str(v["UID"]): v for v in vevents(calendar)}[ical.session_uid(session)]
        assert moved["SEQUENCE"] == 1
        for vevent in vevents(calendar):
            _addressed(vevent, address, name)
        # Each copy names its own recipient only.
        other = "b@kommune.example" if address.startswith("a") else "a@kommune.example"
        assert other.encode() not in _raw(changed)


def test_the_calling_off_of_the_event_is_a_cancel_with_status_to_each_registrant(webinar):
    sign_up(webinar, email="c@kommune.example", name="C")
    page = webinar.get_latest_revision_as_object()
    page.status = "cancelled"
    page.status_reason = "Sygdom"
    page.save_revision().publish()
    message = sent_to("c@kommune.example")[-1]
    _, calendar = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    for vevent in vevents(calendar):
        _addressed(vevent, "c@kommune.example", "C")
        assert vevent["STATUS"] == "CANCELLED"


def test_the_join_link_email_is_a_request_addressed_to_the_registrant(webinar):
    with freeze_time(webinar.first_start - timedelta(hours=2)):
        sign_up(webinar, email="d@kommune.example", name="D")
        messages = sent_to("d@kommune.example")
    [confirmation] = [m for m in messages if m.subject.startswith("Tilmelding bekræftet")]
    [join_link] = [m for m in messages if m.subject.startswith("Dit link")]
    assert JOIN_LINK_COMES_NOW in confirmation.body
    _, calendar = calendar_of(join_link)
    assert calendar["METHOD"] == "REQUEST"
    for vevent in vevents(calendar):
        _addressed(vevent, "d@kommune.example", "D")


def test_the_feeds_name_no_attendee(webinar, client):
    sign_up(webinar, email="e@kommune.example", name="E")
    for path in ("/feeds/events.ics", f"/feeds/events/{webinar.pk}.ics"):
        body = client.get(path).content
        assert b"BEGIN:VEVENT" in body
        assert b"ATTENDEE" not in body
        assert b"e@kommune.example" not in body


GROUP_BEFORE = GROUP_START - timedelta(days=20)


def test_each_named_participant_of_a_staff_group_gets_a_request_addressed_to_them(event_of, vive):
    with freeze_time(GROUP_BEFORE - timedelta(days=1)):
        course = group_course(event_of, vive)
    with freeze_time(GROUP_BEFORE):
        application = apply_group(
            course,
            participants=5,
            answers={"omraade": "myndighed"},
            members=[member(1), member(2)],
        ).registration
    with freeze_time(GROUP_BEFORE + timedelta(days=1)):
        approved(application)
    for row in application.members.order_by("pk"):
        (email,) = OutboundEmail.objects.filter(to=row.email)
        calendar = Calendar.from_ical(email.ics)
        assert calendar["METHOD"] == "REQUEST"
        for vevent in calendar.walk("VEVENT"):
            _addressed(vevent, row.email, row.name)
        assert application.email not in email.ics  # the applicant's copy is theirs
