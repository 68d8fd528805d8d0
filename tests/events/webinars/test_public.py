"""Nothing of a meeting leaks: the API, the feeds and the demo carry no join link of a platform
meeting, no meeting id and no secret; the demo's VIVE webinar (Zoom) and Socialstyrelsen
conference (Teams) get their meetings once their partners have accounts."""

from __future__ import annotations

from django.urls import reverse

from events.demo import events_seed
from events.models import EventPage, MeetingState, SessionMeeting
from events.webinars.services import webinar_account_save
from tests.events.webinars.conftest import GRAPH_SECRET, ZOOM_SECRET, ZOOM_WEBHOOK_SECRET


def test_api_and_feeds_show_no_meeting_link_id_or_secret(
    client, event_of, vive, zoom_standin, zoom_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(vive, title="Webinar med Zoom", webinar_platform="zoom_meeting")
    meeting = SessionMeeting.objects.get(event=event)
    assert meeting.state == MeetingState.CREATED and meeting.join_url
    for url in (
        f"/api/v1/events/{event.pk}/",
        "/api/v1/events/",
        f"/feeds/events/{event.pk}.ics",
        "/feeds/events.ics",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        body = b"".join(answer) if answer.streaming else answer.content
        text = body.decode()
        assert "Webinar med Zoom" in text, url
        for secret in (meeting.join_url, meeting.external_id, ZOOM_SECRET, ZOOM_WEBHOOK_SECRET):
            assert secret not in text, (url, secret)


def test_demo_meetings_follow_once_partners_have_accounts(
    centre,
    vive,
    sst,
    zoom_standin,
    graph_standin,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        events_seed()
    webinar = EventPage.objects.get(slug__startswith="webinar-1-")
    conference = EventPage.objects.get(slug="konference-boerns-stemmer-i-sagsbehandlingen")
    assert (webinar.webinar_platform, conference.webinar_platform) == ("zoom_webinar", "teams")
    waiting = SessionMeeting.objects.filter(event__in=[webinar, conference])
    assert waiting.count() == webinar.sessions.count() + conference.sessions.count()
    assert set(waiting.values_list("state", flat=True)) == {MeetingState.FAILED}

    with django_capture_on_commit_callbacks(execute=True):
        webinar_account_save(
            partner=vive,
            platform="zoom",
            account_id="acc-vive",
            client_id="zoom-client",
            client_secret=ZOOM_SECRET,
        )
        webinar_account_save(
            partner=sst,
            platform="teams",
            tenant_id="tenant-sst",
            client_id="graph-client",
            organizer="organizer@sst.example",
            client_secret=GRAPH_SECRET,
        )
    assert set(waiting.values_list("state", flat=True)) == {MeetingState.CREATED}
    assert len(zoom_standin.live_meetings()) == webinar.sessions.count()
    assert len(graph_standin.live_meetings()) == conference.sessions.count()
    assert reverse("webinar_meetings:event", args=[webinar.pk])
