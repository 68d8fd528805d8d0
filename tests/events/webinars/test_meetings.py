"""Meetings follow the event: created when it is published, updated when a session's time or
title changes, deleted when a session or the event is cancelled; once each, whatever retries,
killed workers and a platform answering 500 or 429 do; a publish never waits for the platform."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.models import (
    EventIndexPage,
    MeetingAction,
    MeetingOperation,
    MeetingState,
    SessionMeeting,
    WebinarAccount,
)
from events.webinars.operations import _spec, meeting_operation_perform
from events.webinars.services import meeting_retry, webinar_account_save
from events.webinars.tasks import meetings_sweep
from events.webinars.transport import PlatformError
from events.webinars.zoom import ZoomClient
from home.outbox import DeliveryStatus, outbox_claim
from tests.events.registrations import vocabulary  # noqa: F401
from tests.events.webinars.conftest import ZOOM_SECRET


def publish(captured, page):
    with captured(execute=True):
        page.save_revision().publish()


def change(event, captured, *, status=None, title=None, **session_changes):
    page = event.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    session = page.sessions.all()[0]
    for name, value in session_changes.items():
        setattr(session, name, value)
    if status is not None:
        page.status = status
    if title is not None:
        page.title = title
    publish(captured, page)
    return type(event).objects.get(pk=event.pk)


@pytest.fixture
def zoom_webinar(event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return event_of(vive, title="Webinar om børnesamtaler", webinar_platform="zoom_webinar")


def meeting_of(event) -> SessionMeeting:
    return SessionMeeting.objects.get(session=event.sessions.get())


def test_publish_creates_one_zoom_webinar(zoom_webinar, zoom_standin):
    meeting = meeting_of(zoom_webinar)
    assert meeting.state == MeetingState.CREATED
    [stored] = zoom_standin.live_meetings()
    assert stored["kind"] == "webinars"
    assert str(stored["id"]) == meeting.external_id
    assert stored["topic"] == "Webinar om børnesamtaler"
    session = zoom_webinar.sessions.get()
    assert stored["start_time"] == session.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert meeting.join_url == stored["join_url"]


def test_publishing_again_unchanged_calls_nobody(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    before = len(zoom_standin.calls("/v2/"))
    publish(django_capture_on_commit_callbacks, zoom_webinar.get_latest_revision_as_object())
    assert len(zoom_standin.calls("/v2/")) == before
    assert MeetingOperation.objects.count() == 1


def test_moving_a_session_updates_the_meeting_once(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    session = zoom_webinar.sessions.get()
    later = session.start + timedelta(days=1)
    change(
        zoom_webinar,
        django_capture_on_commit_callbacks,
        start=later,
        end=later + timedelta(hours=3),
    )
    [stored] = zoom_standin.live_meetings()
    assert stored["duration"] == 180
    assert stored["start_time"] == later.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    patches = zoom_standin.calls("PATCH /v2/webinars/")
    assert len(patches) == 1
    update = MeetingOperation.objects.get(action=MeetingAction.UPDATE)
    assert meeting_operation_perform(update.pk) == "skipped"  # run twice: effect once
    assert len(zoom_standin.calls("PATCH /v2/webinars/")) == 1


def test_renaming_the_event_updates_the_topic(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    change(zoom_webinar, django_capture_on_commit_callbacks, title="Nyt navn")
    assert zoom_standin.live_meetings()[0]["topic"] == "Nyt navn"


def test_cancelling_the_event_deletes_the_meeting_once(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    event = change(zoom_webinar, django_capture_on_commit_callbacks, status="cancelled")
    assert zoom_standin.live_meetings() == []
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.CANCELLED and meeting.join_url == ""
    change(event, django_capture_on_commit_callbacks, status="cancelled")
    assert len(zoom_standin.calls("DELETE /v2/webinars/")) == 1


def test_cancelled_then_reinstated_gets_a_new_meeting(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    event = change(zoom_webinar, django_capture_on_commit_callbacks, status="cancelled")
    event = change(event, django_capture_on_commit_callbacks, status="scheduled")
    [stored] = zoom_standin.live_meetings()
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.CREATED and meeting.external_id == str(stored["id"])


def test_cancelling_one_session_deletes_its_meeting_only(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(
            vive,
            webinar_platform="zoom_meeting",
            sessions=[{"title": "Del 1"}, {"title": "Del 2"}],
        )
    assert len(zoom_standin.live_meetings()) == 2
    page = event.get_latest_revision_as_object()
    page.sessions = list(page.sessions.all())
    page.sessions.all()[1].status = "cancelled"
    publish(django_capture_on_commit_callbacks, page)
    [left] = zoom_standin.live_meetings()
    assert left["topic"].endswith("Del 1")


def test_teams_meeting_on_graph(
    event_of, sst, graph_standin, teams_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(sst, title="Netværksmøde", webinar_platform="teams")
    [stored] = graph_standin.live_meetings()
    meeting = meeting_of(event)
    assert stored["subject"] == "Netværksmøde"
    assert stored["externalId"] == str(event.sessions.get().uuid)
    assert meeting.join_url == stored["joinWebUrl"] and meeting.state == MeetingState.CREATED
    change(event, django_capture_on_commit_callbacks, status="cancelled")
    assert graph_standin.live_meetings() == []


def test_physical_event_or_no_platform_gets_no_meeting(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_of(vive)
    assert SessionMeeting.objects.count() == 0
    assert zoom_standin.calls("/v2/") == []


def test_publish_does_not_wait_for_a_platform_that_is_down(
    event_of, vive, zoom_account, settings, django_capture_on_commit_callbacks
):
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"
    settings.ZOOM_API_URL = "http://127.0.0.1:9/v2"
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    assert event.live
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.FAILED
    assert "ingen forbindelse" in meeting.last_error
    operation = meeting.operations.get()
    assert operation.status == DeliveryStatus.PENDING and operation.attempts == 1
    assert operation.next_attempt_at > timezone.now()


def test_failed_create_is_retried_by_the_sweeper_with_backoff(
    zoom_webinar_down, zoom_standin, settings
):
    event, meeting = zoom_webinar_down
    settings.ZOOM_API_URL = zoom_standin.api_url
    settings.ZOOM_OAUTH_URL = zoom_standin.oauth_url
    assert meetings_sweep() == 0  # not due yet: backoff
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert meetings_sweep() == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED and meeting.last_error == ""
    assert len(zoom_standin.live_meetings()) == 1


@pytest.fixture
def zoom_webinar_down(
    event_of, vive, zoom_standin, zoom_account, settings, django_capture_on_commit_callbacks
):
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    return event, meeting_of(event)


def test_500_then_429_with_retry_after_then_created_once(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    zoom_standin.fail(500, match="POST /v2/users/me/meetings")
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    operation = meeting.operations.get()
    assert meeting.state == MeetingState.FAILED and "HTTP 500" in meeting.last_error

    zoom_standin.fail(429, match="/v2/users/me/meetings", retry_after=600)
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        meetings_sweep()
        operation.refresh_from_db()
        assert operation.status == DeliveryStatus.PENDING
        # Retry-After (10 minutes) beats the backoff (2 minutes).
        assert operation.next_attempt_at >= timezone.now() + timedelta(seconds=590)
        assert meetings_sweep() == 0
    with freeze_time(timezone.now() + timedelta(minutes=13)):
        assert meetings_sweep() == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    assert len(zoom_standin.live_meetings()) == 1


def test_killed_worker_after_the_platform_made_the_meeting_leaves_one_meeting(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    # The publish commits; the worker that takes the create dies after Zoom made the meeting
    # and before it could record the answer.
    with django_capture_on_commit_callbacks(execute=False):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    operation = meeting.operations.get()
    assert outbox_claim(MeetingOperation, operation.pk, lease=timedelta(minutes=3))
    meeting.refresh_from_db()
    ZoomClient(zoom_account).create_meeting(_spec(meeting))
    assert meeting_operation_perform(operation.pk) == "skipped"  # the lease holds
    with freeze_time(timezone.now() + timedelta(minutes=5)):
        assert meetings_sweep() == 1
    meeting.refresh_from_db()
    [stored] = zoom_standin.live_meetings()
    assert meeting.external_id == str(stored["id"]) and meeting.state == MeetingState.CREATED


def test_operations_of_one_meeting_run_in_order(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    # Nothing runs at publish; the update waits for the create before it.
    with django_capture_on_commit_callbacks(execute=False):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    create = meeting.operations.get()
    zoom_standin.fail(500, match="POST /v2/users/me/meetings")
    meeting_operation_perform(create.pk)
    session = event.sessions.get()
    with django_capture_on_commit_callbacks(execute=False):
        page = event.get_latest_revision_as_object()
        page.sessions = list(page.sessions.all())
        page.sessions.all()[0].start = session.start + timedelta(hours=1)
        page.sessions.all()[0].end = session.end + timedelta(hours=1)
        page.save_revision().publish()
    # An open create pushes the latest: no update row of its own.
    assert list(meeting.operations.values_list("action", flat=True)) == ["create"]
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        meetings_sweep()
    [stored] = zoom_standin.live_meetings()
    assert stored["start_time"] == (session.start + timedelta(hours=1)).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_no_account_fails_until_the_account_is_set(
    event_of, vive, zoom_standin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.FAILED
    assert "ingen konto" in meeting.last_error
    assert zoom_standin.calls() == []
    with django_capture_on_commit_callbacks(execute=True):
        webinar_account_save(
            partner=vive,
            platform="zoom",
            account_id="acc-vive",
            client_id="zoom-client",
            client_secret=ZOOM_SECRET,
        )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    assert meeting.account == WebinarAccount.objects.get(partner=vive)
    assert len(zoom_standin.live_meetings()) == 1


def test_refusal_fails_for_good_until_retried(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    zoom_standin.fail(400, match="POST /v2/users/me/meetings", message="Invalid field.")
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.FAILED and "Invalid field." in meeting.last_error
    assert meeting.operations.get().status == DeliveryStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_retry(meeting=meeting) == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    assert len(zoom_standin.live_meetings()) == 1


@pytest.fixture
def lost_create_answer(monkeypatch):
    """Zoom makes the meeting, but its answer to the first create never arrives."""
    real_create = ZoomClient.create_meeting
    lost = {"left": 1}

    def create_then_lose_the_answer(self, spec, *, webinar=False):
        made = real_create(self, spec, webinar=webinar)
        if lost["left"]:
            lost["left"] -= 1
            raise PlatformError(platform="Zoom", status=None, message="ingen forbindelse")
        return made

    monkeypatch.setattr(ZoomClient, "create_meeting", create_then_lose_the_answer)


@pytest.mark.parametrize("how", ["retry", "account saved"])
def test_retry_after_a_lost_create_answer_takes_the_meeting_zoom_made(
    how,
    event_of,
    vive,
    zoom_standin,
    zoom_account,
    lost_create_answer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, title="Webinar om børnesamtaler", webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.FAILED and meeting.external_id == ""
    [made] = zoom_standin.live_meetings()
    # "Prøv igen", or a moderator saving the account, sends the waiting create again now.
    with django_capture_on_commit_callbacks(execute=True):
        if how == "retry":
            assert meeting_retry(meeting=meeting) == 1
        else:
            webinar_account_save(
                partner=vive, platform="zoom", account_id="acc-vive", client_id="zoom-client"
            )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CREATED
    assert zoom_standin.live_meetings() == [made]
    assert meeting.external_id == str(made["id"]) and meeting.join_url == made["join_url"]
    assert len(zoom_standin.calls("POST /v2/users/me/meetings")) == 1


def test_retry_of_an_operation_never_tried_does_not_look_first(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        event = event_of(vive, webinar_platform="zoom_meeting")
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_retry(meeting=meeting_of(event)) == 1
    assert meeting_of(event).state == MeetingState.CREATED
    assert zoom_standin.calls("GET /v2/users/me/meetings") == []


def test_lost_create_answer_behind_a_long_teaser_is_found_by_the_sweeper(
    event_of,
    vive,
    zoom_standin,
    zoom_account,
    lost_create_answer,
    django_capture_on_commit_callbacks,
):
    # Zoom's list shows 250 characters of each agenda: the marker must come first.
    teaser = "Et webinar om samtaler med børn og unge i udsatte positioner. " * 6
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting", teaser=teaser)
    [made] = zoom_standin.live_meetings()
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert meetings_sweep() == 1
    meeting = meeting_of(event)
    assert meeting.state == MeetingState.CREATED
    assert zoom_standin.live_meetings() == [made]
    assert meeting.external_id == str(made["id"])


def test_choosing_another_platform_moves_the_meeting(
    zoom_webinar,
    zoom_standin,
    graph_standin,
    sst,
    vive,
    django_capture_on_commit_callbacks,
):
    teams = WebinarAccount(
        partner=vive,
        platform="teams",
        tenant_id="tenant-sst",
        client_id="graph-client",
        organizer="organizer@sst.example",
    )
    teams.client_secret = "graph-secret-Wm93"
    teams.save()
    page = zoom_webinar.get_latest_revision_as_object()
    page.webinar_platform = "teams"
    publish(django_capture_on_commit_callbacks, page)
    assert zoom_standin.live_meetings() == []
    [stored] = graph_standin.live_meetings()
    meeting = meeting_of(zoom_webinar)
    assert meeting.kind == "teams" and meeting.account == teams
    assert meeting.external_id == stored["id"] and meeting.state == MeetingState.CREATED


def test_moving_the_event_to_another_partner_moves_the_meeting_to_its_account(
    zoom_webinar, zoom_standin, zoom_account, bv, django_capture_on_commit_callbacks
):
    zoom_standin.credentials["acc-bv"] = ("zoom-client-bv", "zoom-secret-bv-77")
    bv_account = WebinarAccount(
        partner=bv, platform="zoom", account_id="acc-bv", client_id="zoom-client-bv"
    )
    bv_account.client_secret = "zoom-secret-bv-77"
    bv_account.save()
    old = meeting_of(zoom_webinar)
    [old_create] = zoom_standin.calls("POST /v2/users/me/webinars")
    zoom_webinar.move(EventIndexPage.objects.get(partner=bv), pos="last-child")
    page = type(zoom_webinar).objects.get(pk=zoom_webinar.pk).get_latest_revision_as_object()
    publish(django_capture_on_commit_callbacks, page)
    publish(django_capture_on_commit_callbacks, page)  # seen twice: effect once
    # The old meeting is deleted with VIVE's account, then made again with Børns Vilkår's.
    [delete] = zoom_standin.calls(f"DELETE /v2/webinars/{old.external_id}")
    assert delete.headers["Authorization"] == old_create.headers["Authorization"]
    [_, new_create] = zoom_standin.calls("POST /v2/users/me/webinars")
    assert new_create.headers["Authorization"] != old_create.headers["Authorization"]
    assert zoom_standin.requests.index(delete) < zoom_standin.requests.index(new_create)
    [stored] = zoom_standin.live_meetings()
    meeting = meeting_of(zoom_webinar)
    assert meeting.account == bv_account and meeting.state == MeetingState.CREATED
    assert meeting.external_id == str(stored["id"]) != old.external_id


def test_deleting_the_event_deletes_its_meetings(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    meeting = meeting_of(zoom_webinar)
    with django_capture_on_commit_callbacks(execute=True):
        zoom_webinar.delete()
    assert zoom_standin.live_meetings() == []
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.event_id is None


def test_an_undocumented_answer_backs_off_instead_of_spinning(
    event_of, vive, zoom_standin, zoom_account, caplog, django_capture_on_commit_callbacks
):
    zoom_standin.fail(201, match="POST /v2/users/me/meetings", message="no id here")
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, webinar_platform="zoom_meeting")
    meeting = meeting_of(event)
    operation = meeting.operations.get()
    assert meeting.state == MeetingState.FAILED
    assert meeting.last_error.startswith("Uventet fejl")
    assert operation.status == DeliveryStatus.PENDING
    assert operation.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert "failed unexpectedly" in caplog.text and ZOOM_SECRET not in caplog.text


def test_removing_a_session_deletes_its_meeting(
    event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(
            vive, webinar_platform="zoom_meeting", sessions=[{"title": "A"}, {"title": "B"}]
        )
    page = event.get_latest_revision_as_object()
    page.sessions = [s for s in page.sessions.all() if s.title == "A"]
    publish(django_capture_on_commit_callbacks, page)
    [left] = zoom_standin.live_meetings()
    assert left["topic"].endswith("A")
    orphan = SessionMeeting.objects.get(session__isnull=True)
    assert orphan.state == MeetingState.CANCELLED


def test_taking_the_platform_away_deletes_the_meetings(
    zoom_webinar, zoom_standin, django_capture_on_commit_callbacks
):
    page = zoom_webinar.get_latest_revision_as_object()
    page.webinar_platform = ""
    publish(django_capture_on_commit_callbacks, page)
    assert zoom_standin.live_meetings() == []


@pytest.mark.usefixtures("vocabulary")
def test_link_book_reads_every_meetings_links_at_once(
    event_of,
    vive,
    zoom_standin,
    zoom_account,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    """The join-link round's book: each person's own link to every session's meeting, the
    same as asked one by one, and no query per person."""
    from events.models import MeetingRegistrant
    from events.webinars.links import LinkBook, join_url_for, later_session_links
    from tests.events.registrations import sign_up

    cap = django_capture_on_commit_callbacks
    with cap(execute=True):
        event = event_of(
            vive,
            webinar_platform="zoom_meeting",
            join_url="",
            join_link_hours=24 * 60,
            sessions=[{"title": "Del 1"}, {"title": "Del 2"}, {"title": "Del 3"}],
        )
    with cap(execute=True):
        people = [sign_up(event, email=f"p{i}@kommune.example").registration for i in range(3)]
    book = LinkBook(event)
    with django_assert_num_queries(0):
        got = [(book.url(p), book.later(p)) for p in people]
    for person, (url, later) in zip(people, got, strict=True):
        own = dict(
            MeetingRegistrant.objects.filter(registration=person).values_list(
                "meeting__session__title", "join_url"
            )
        )
        assert url == own["Del 1"] != ""
        assert later == [
            ("Deltagerlink til Del 2", own["Del 2"]),
            ("Deltagerlink til Del 3", own["Del 3"]),
        ]
        assert (url, later) == (join_url_for(event, person), later_session_links(event, person))
    assert len({url for url, _ in got}) == 3
