"""Personal join links on Zoom: each confirmed registrant is registered with the session's
meeting and gets their own link in the join-link email and its calendar file; a cancellation
removes them; once each through retries, killed workers, 500 and 429 with Retry-After; the
link never reaches the API, the feeds, another partner or a log line."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.mail.reminders import reminders_enqueue_due
from events.models import EmailKind, MeetingRegistrant, OutboundEmail, SessionMeeting
from events.registrations.services import registration_cancel
from events.retention.services import registration_anonymise
from events.webinars.registrant_calls import meeting_registrant_perform
from events.webinars.tasks import registrants_sweep
from home.outbox import DeliveryStatus
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.events.webinars.conftest import ZOOM_SECRET, ZOOM_WEBHOOK_SECRET

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks):
    """A Zoom meeting with registration, its join link due at once (60 days before)."""
    with django_capture_on_commit_callbacks(execute=True):
        return event_of(
            vive,
            title="Webinar om børnesamtaler",
            webinar_platform="zoom_meeting",
            join_url="",
            join_link_hours=24 * 60,
        )


def registered(captured, event, **fields):
    with captured(execute=True):
        return sign_up(event, **fields).registration


def people(standin, meeting, status="approved"):
    return [p for p in standin.registrants[meeting.external_id].values() if p["status"] == status]


def join_emails(registration):
    return list(
        OutboundEmail.objects.filter(registration_id=registration.pk, kind=EmailKind.JOIN_LINK)
    )


def test_confirmed_registrant_gets_their_own_link_in_the_email_and_calendar(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(
        django_capture_on_commit_callbacks, webinar, email="Anna.Berg@kommune.example"
    )
    meeting = SessionMeeting.objects.get(event=webinar)
    [person] = people(zoom_standin, meeting)
    assert person["email"] == "anna.berg@kommune.example"
    row = MeetingRegistrant.objects.get(registration=registration)
    assert row.status == DeliveryStatus.SENT and row.join_url == person["join_url"]
    assert row.join_url != meeting.join_url
    [email] = join_emails(registration)
    assert row.join_url in email.body_text
    assert meeting.join_url not in email.body_text
    assert row.join_url in email.ics.replace("\r\n ", "")


def test_cancelling_removes_the_registrant_from_zoom(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    meeting = SessionMeeting.objects.get(event=webinar)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
    assert people(zoom_standin, meeting) == []
    assert len(people(zoom_standin, meeting, "cancelled")) == 1
    row = MeetingRegistrant.objects.get(registration=registration)
    assert (row.wanted, row.join_url, row.registrant_id, row.status) == (
        False,
        "",
        "",
        DeliveryStatus.SENT,
    )
    [put] = zoom_standin.calls("PUT /v2/meetings/")
    assert put.json()["action"] == "cancel"


def test_task_delivered_twice_registers_once_and_mails_once(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert meeting_registrant_perform(row.pk) == "skipped"
    assert len(zoom_standin.calls("POST /v2/meetings/")) == 1
    assert len(join_emails(registration)) == 1


def test_worker_killed_after_zoom_registered_ends_with_one_link_and_one_email(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    # The first worker's answer is lost: Zoom registered the person, the row never heard.
    class Killed(Exception):
        pass

    def kill(request, status):
        if request.method == "POST" and request.path.endswith("/registrants"):
            zoom_standin.after = None
            raise Killed

    zoom_standin.after = kill
    registration = registered(django_capture_on_commit_callbacks, webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert row.status != DeliveryStatus.SENT and not row.join_url
    # The lease runs out; the sweeper hands the row out again.
    with freeze_time(timezone.now() + timedelta(minutes=10)):
        with django_capture_on_commit_callbacks(execute=True):
            registrants_sweep()
    row.refresh_from_db()
    meeting = SessionMeeting.objects.get(event=webinar)
    [person] = people(zoom_standin, meeting)
    assert row.status == DeliveryStatus.SENT and row.join_url == person["join_url"]
    [email] = join_emails(registration)
    assert person["join_url"] in email.body_text


def test_500_then_429_with_retry_after_then_registered(
    webinar, zoom_standin, django_capture_on_commit_callbacks, caplog
):
    zoom_standin.fail(500, match="/registrants")
    caplog.set_level(logging.DEBUG)
    registration = registered(django_capture_on_commit_callbacks, webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert "HTTP 500" in row.last_error

    zoom_standin.fail(429, match="/registrants", retry_after=600)
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        assert meeting_registrant_perform(row.pk) == "failed"
        row.refresh_from_db()
        assert row.next_attempt_at >= timezone.now() + timedelta(seconds=599)
        assert meeting_registrant_perform(row.pk) == "skipped"  # not before Retry-After
    with freeze_time(row.next_attempt_at + timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert meeting_registrant_perform(row.pk) == "registered"
    assert len(join_emails(registration)) == 1
    logged = caplog.text + row.last_error
    for secret in (ZOOM_SECRET, ZOOM_WEBHOOK_SECRET, registration.email):
        assert secret not in logged


def test_join_link_waits_for_the_personal_link_then_falls_back_to_the_shared_one(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    zoom_standin.fail(500, match="/registrants", times=50)
    registration = registered(django_capture_on_commit_callbacks, webinar)
    meeting = SessionMeeting.objects.get(event=webinar)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_enqueue_due()
    assert join_emails(registration) == []  # waiting for Zoom
    with freeze_time(timezone.now() + timedelta(minutes=31)):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_enqueue_due()
    [email] = join_emails(registration)
    assert meeting.join_url in email.body_text


def test_a_new_address_is_registered_again_and_the_old_cancelled(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    meeting = SessionMeeting.objects.get(event=webinar)
    with django_capture_on_commit_callbacks(execute=True):
        registration.email = "ny.adresse@kommune.example"
        registration.save()
    [person] = people(zoom_standin, meeting)
    assert person["email"] == "ny.adresse@kommune.example"
    assert len(people(zoom_standin, meeting, "cancelled")) == 1


def test_registrants_before_the_meeting_exists_are_registered_once_it_is_made(
    event_of, vive, zoom_standin, django_capture_on_commit_callbacks
):
    from tests.events.webinars.conftest import ZOOM_SECRET as secret

    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(
            vive, webinar_platform="zoom_meeting", join_url="", join_link_hours=24 * 60
        )
    registration = registered(django_capture_on_commit_callbacks, event)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert row.status == DeliveryStatus.PENDING and not row.join_url  # no meeting yet
    assert join_emails(registration) == []  # waiting for the personal link
    from events.webinars.services import webinar_account_save

    with django_capture_on_commit_callbacks(execute=True):
        webinar_account_save(
            partner=vive,
            platform="zoom",
            account_id="acc-vive",
            client_id="zoom-client",
            client_secret=secret,
        )
    meeting = SessionMeeting.objects.get(event=event)
    assert meeting.external_id
    row.refresh_from_db()
    [email] = join_emails(registration)
    assert row.join_url and row.join_url in email.body_text


def test_staff_group_members_get_their_own_links(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    from tests.events.groups import approved

    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(
            vive,
            participation="staff_group",
            capacity=40,
            webinar_platform="zoom_meeting",
            join_url="",
            join_link_hours=24 * 60,
        )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign_up(
            event,
            participants=2,
            unit="Børne- og familieafdelingen",
            manager_name="Lene Leder",
            manager_email="leder@kommune.example",
            members=[
                {"name": "Medarbejder 1", "email": "medarbejder1@kommune.example"},
                {"name": "Medarbejder 2", "email": "medarbejder2@kommune.example"},
            ],
        )
    with django_capture_on_commit_callbacks(execute=True):
        approved(outcome.registration)
    meeting = SessionMeeting.objects.get(event=event)
    emails = {p["email"]: p["join_url"] for p in people(zoom_standin, meeting)}
    assert "medarbejder1@kommune.example" in emails
    assert "medarbejder2@kommune.example" in emails
    for address in ("medarbejder1@kommune.example", "medarbejder2@kommune.example"):
        [email] = OutboundEmail.objects.filter(to=address, kind=EmailKind.JOIN_LINK)
        assert emails[address] in email.body_text
        others = [url for a, url in emails.items() if a != address]
        assert not any(url in email.body_text for url in others)

    # The applicant takes a participant off: their place on Zoom is cancelled.
    from events.registrations.members import member_remove

    leaving = outcome.registration.members.get(email="medarbejder2@kommune.example")
    with django_capture_on_commit_callbacks(execute=True):
        member_remove(member=leaving)
    cancelled = [p["email"] for p in people(zoom_standin, meeting, "cancelled")]
    assert cancelled == ["medarbejder2@kommune.example"]
    row = MeetingRegistrant.objects.get(person=f"m{leaving.pk}")
    assert (row.wanted, row.join_url, row.member_id) == (False, "", None)


def test_personal_link_never_in_api_feeds_or_another_partners_admin(
    client, webinar, zoom_standin, django_capture_on_commit_callbacks, bv_moderator
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert row.join_url
    for url in (
        f"/api/v1/events/{webinar.pk}/",
        "/api/v1/events/",
        f"/feeds/events/{webinar.pk}.ics",
        "/feeds/events.ics",
    ):
        answer = client.get(url)
        body = (b"".join(answer) if answer.streaming else answer.content).decode()
        assert answer.status_code == 200 and webinar.title in body, url
        assert row.join_url not in body and row.registrant_id not in body, url
    client.force_login(bv_moderator)
    for url in (f"/admin/webinarmoeder/{webinar.pk}/", "/admin/webinarmoeder/", "/admin/"):
        answer = client.get(url)
        body = answer.content.decode()
        assert row.join_url not in body and webinar.title not in body, url


def test_retention_erases_the_personal_link(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    with django_capture_on_commit_callbacks(execute=True):
        registration_anonymise(registration=registration)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert (row.email, row.join_url, row.registered_email) == ("", "", "")


def test_the_persons_own_calendar_feed_carries_their_link_and_nobody_elses(
    client, webinar, zoom_standin, django_capture_on_commit_callbacks
):
    from events.ical.selectors import registrant_feed_url
    from events.models import RegistrantFeedKey

    mine = registered(django_capture_on_commit_callbacks, webinar, email="min@kommune.example")
    other = registered(django_capture_on_commit_callbacks, webinar, email="din@kommune.example")
    links = dict(MeetingRegistrant.objects.values_list("registration_id", "join_url"))
    key, _ = RegistrantFeedKey.objects.get_or_create(email=mine.email)
    answer = client.get(urlsplit(registrant_feed_url(key)).path)
    body = (b"".join(answer) if answer.streaming else answer.content).decode().replace("\r\n ", "")
    assert answer.status_code == 200 and webinar.title in body
    assert links[mine.pk] in body
    assert links[other.pk] not in body


def test_erasure_cancels_on_zoom_with_the_persons_address_then_forgets_it(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    from events.retention.services import registrant_erase

    registration = registered(
        django_capture_on_commit_callbacks, webinar, email="slet.mig@kommune.example"
    )
    meeting = SessionMeeting.objects.get(event=webinar)
    registrant_id = MeetingRegistrant.objects.get(registration=registration).registrant_id
    assert registrant_id
    with django_capture_on_commit_callbacks(execute=True):
        registrant_erase(email="slet.mig@kommune.example")
    [put] = zoom_standin.calls(f"PUT /v2/meetings/{meeting.external_id}/registrants/status")
    assert put.json()["registrants"] == [{"id": registrant_id, "email": "slet.mig@kommune.example"}]
    assert people(zoom_standin, meeting) == []
    row = MeetingRegistrant.objects.get(registration=registration)
    assert (row.wanted, row.email, row.registered_email, row.join_url, row.registrant_id) == (
        False,
        "",
        "",
        "",
        "",
    )


def test_a_cancellation_without_an_address_goes_to_zoom_by_id_alone(
    webinar, zoom_standin, django_capture_on_commit_callbacks
):
    registration = registered(django_capture_on_commit_callbacks, webinar)
    meeting = SessionMeeting.objects.get(event=webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    MeetingRegistrant.objects.filter(pk=row.pk).update(
        registered_email="", wanted=False, status=DeliveryStatus.PENDING, attempts=0
    )
    assert meeting_registrant_perform(row.pk) == "cancelled"
    [put] = zoom_standin.calls(f"PUT /v2/meetings/{meeting.external_id}/registrants/status")
    assert put.json()["registrants"] == [{"id": row.registrant_id}]


def test_erasure_while_zoom_registers_writes_nothing_back_and_mails_nobody(
    webinar, zoom_standin, django_capture_on_commit_callbacks, monkeypatch
):
    from events.retention.services import registrant_erase
    from events.webinars.zoom import ZoomClient

    add = ZoomClient.add_registrant

    def erase_mid_call(self, *args, **kwargs):
        made = add(self, *args, **kwargs)  # Zoom has registered the person...
        monkeypatch.setattr(ZoomClient, "add_registrant", add)
        registrant_erase(email="midt.i@kommune.example")  # ...who is erased before the answer
        return made

    monkeypatch.setattr(ZoomClient, "add_registrant", erase_mid_call)
    registration = registered(
        django_capture_on_commit_callbacks, webinar, email="midt.i@kommune.example"
    )
    meeting = SessionMeeting.objects.get(event=webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    assert (row.email, row.registered_email, row.join_url) == ("", "", "")
    assert not row.wanted
    # The place Zoom made during the erasure is cancelled by the run the changed wish queued.
    assert people(zoom_standin, meeting) == []
    assert row.registrant_id == ""
    assert join_emails(registration) == []
    assert not OutboundEmail.objects.filter(to="midt.i@kommune.example").exists()


def test_the_email_log_hides_the_personal_join_link_from_the_partners_own_staff(
    client,
    webinar,
    zoom_standin,
    django_capture_on_commit_callbacks,
    vive_editor,
    vive_moderator,
    bv_editor,
):
    from django.urls import reverse

    registration = registered(django_capture_on_commit_callbacks, webinar)
    row = MeetingRegistrant.objects.get(registration=registration)
    [email] = join_emails(registration)
    assert row.join_url and row.join_url in email.body_text
    inspect = reverse("outbound_emails:inspect", args=[email.pk])
    for user in (vive_editor, vive_moderator):
        client.force_login(user)
        for url in (inspect, reverse("outbound_emails:index")):
            answer = client.get(url)
            body = answer.content.decode()
            assert answer.status_code == 200, url
            assert row.join_url not in body, (user, url)
            assert row.join_url.split("?")[0] not in body, (user, url)
        assert "[skjult link]" in client.get(inspect).content.decode()
    client.force_login(bv_editor)
    answer = client.get(inspect)
    assert answer.status_code == 404
    assert row.join_url.split("?")[0] not in answer.content.decode()
