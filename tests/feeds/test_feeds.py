"""/feeds/events.ics and /feeds/events/<id>.ics over HTTP, as calendar clients fetch them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import PageViewRestriction

from api import caching
from events.models import EventIndexPage, EventPage
from tests.feeds.conftest import build_event, parse_all, parse_icaljs_raw

SECRET = "https://teams.example.com/hemmeligt-link"
FEED = "/feeds/events.ics"


def soon(days: float, hours: float = 1) -> dict:
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return {"start": start, "end": start + timedelta(hours=hours)}


def summaries(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [event.summary for event in parse_all(response.content)]


@pytest.fixture
def events(vive, bv, terms):
    topics, audiences = terms["topics"], terms["audiences"]
    return {
        "vive_webinar": build_event(
            vive,
            title="VIVE-webinar",
            event_type="webinar",
            sessions=[soon(10)],
            topics=[topics["boernesamtaler"]],
            audiences=[audiences["sagsbehandlere"]],
        ),
        "vive_conference": build_event(
            vive,
            title="VIVE-konference",
            event_type="conference",
            format="physical",
            platform_name="",
            venue_name="Aarhus Rådhus",
            venue_city="Aarhus",
            sessions=[soon(20, 6)],
            audiences=[audiences["ledere"]],
        ),
        "bv_webinar": build_event(
            bv,
            title="BV-webinar",
            event_type="webinar",
            sessions=[soon(30)],
            topics=[topics["anbringelse"]],
            audiences=[audiences["sagsbehandlere"]],
        ),
    }


# --- HTTP -------------------------------------------------------------------------------------


def into_the_next_second() -> None:
    """Last-Modified comes once the second of the last change is over (``api.caching``). Not
    with freezegun: a feed built under it keeps its VTIMEZONE in a process-wide cache
    (``events.ical.timezones``), which other tests of the worker then read."""
    time.sleep(1.05 - time.time() % 1)


def test_feed_is_text_calendar_inline_with_validators(client, events):
    client.get(FEED)  # (what the first request draws, it draws now)
    into_the_next_second()
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"]
    assert summaries(response) == ["VIVE-webinar", "VIVE-konference", "BV-webinar"]


def test_url_names_in_the_feeds_namespace(events):
    pk = events["vive_webinar"].pk
    assert reverse("feeds:events") == FEED
    assert reverse("feeds:event", kwargs={"pk": pk}) == f"/feeds/events/{pk}.ics"


def test_head_has_the_headers_and_no_body(client, events):
    get = client.get(FEED)
    head = client.head(FEED)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert head["ETag"] == get["ETag"]
    one = client.head(f"/feeds/events/{events['vive_webinar'].pk}.ics")
    assert one.status_code == 200 and one.content == b""


def test_post_is_not_allowed(client, events):
    assert client.post(FEED).status_code == 405


def test_revalidation_is_304_with_one_query(client, events):
    first = client.get(FEED)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert len(queries) == 1
    into_the_next_second()
    dated = client.get(FEED)
    since = client.get(FEED, HTTP_IF_MODIFIED_SINCE=dated["Last-Modified"])
    assert since.status_code == 304


def test_same_bytes_on_every_request_while_nothing_changes(client, events):
    first = client.get(FEED).content
    cache.clear()  # built again from the database, not served from the cache
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        second = client.get(FEED).content
    assert first == second


def test_publish_invalidates_the_cached_feed(client, events):
    before = client.get(FEED)
    page = EventPage.objects.get(pk=events["bv_webinar"].pk)
    page.title = "BV-webinar (nyt navn)"
    page.save_revision().publish()
    after = client.get(FEED, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "BV-webinar (nyt navn)" in summaries(after)
    assert after["ETag"] != before["ETag"]


def test_moved_and_cancelled_sessions_after_the_moderator_publishes(client, events):
    """The issue's "done": one session moved an hour, another cancelled; on the next refresh
    the moved one has its new time under the same UID, the other is cancelled, no duplicates."""
    webinar = events["vive_webinar"]
    before = {e.summary: e for e in parse_all(client.get(FEED).content)}

    page = EventPage.objects.get(pk=webinar.pk)
    session = page.sessions.get()
    session.start += timedelta(hours=1)
    session.end += timedelta(hours=1)
    page.sessions = [session]
    page.save_revision().publish()
    conference = EventPage.objects.get(pk=events["vive_conference"].pk)
    conference.status = "cancelled"
    conference.save_revision().publish()

    after = parse_all(client.get(FEED, HTTP_IF_NONE_MATCH="stale").content)
    assert len(after) == 3
    by_uid = {e.uid: e for e in after}
    moved = by_uid[before["VIVE-webinar"].uid]
    assert moved.start == before["VIVE-webinar"].start + timedelta(hours=1)
    assert moved.sequence == before["VIVE-webinar"].sequence + 1
    cancelled = by_uid[before["VIVE-konference"].uid]
    assert (cancelled.status, cancelled.summary) == ("CANCELLED", "AFLYST: VIVE-konference")
    assert cancelled.sequence == before["VIVE-konference"].sequence + 1


# --- what is in the feed ----------------------------------------------------------------------


def test_unpublished_draft_private_and_deleted_events_are_absent(client, vive, bv, events):
    build_event(vive, title="Kladde", sessions=[soon(5)], publish=False)
    private = build_event(bv, title="Privat", sessions=[soon(5)])
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    folder = EventIndexPage.objects.get(partner=vive)
    private_folder_event = build_event(vive, title="Bag login", sessions=[soon(5)])
    assert "Bag login" in summaries(client.get(FEED))
    # A new view restriction is in the change log: the cached answer is not served again.
    PageViewRestriction.objects.create(page=folder, restriction_type=PageViewRestriction.LOGIN)
    assert summaries(client.get(FEED)) == ["BV-webinar"]
    PageViewRestriction.objects.filter(page=folder).delete()

    EventPage.objects.get(pk=events["vive_webinar"].pk).unpublish()
    EventPage.objects.get(pk=events["vive_conference"].pk).delete()
    assert summaries(client.get(FEED)) == ["Bag login"] + ["BV-webinar"]
    assert client.get(f"/feeds/events/{private.pk}.ics").status_code == 404
    assert client.get(f"/feeds/events/{private_folder_event.pk}.ics").status_code == 200


def test_window_holds_upcoming_events_and_those_ended_in_the_last_90_days(client, vive, settings):
    assert settings.FEED_PAST_DAYS == 90
    build_event(vive, title="Kommende", sessions=[soon(3)])
    build_event(vive, title="For 89 dage siden", sessions=[soon(-89)])
    build_event(vive, title="Aflyst for 80 dage siden", sessions=[soon(-80)], status="cancelled")
    build_event(vive, title="For 91 dage siden", sessions=[soon(-91)])
    build_event(vive, title="Aflyst for 95 dage siden", sessions=[soon(-95)], status="cancelled")
    assert summaries(client.get(FEED)) == [
        "For 89 dage siden",
        "AFLYST: Aflyst for 80 dage siden",
        "Kommende",
    ]
    settings.FEED_PAST_DAYS = 30
    # A changed setting is a deploy: new processes (no memo of recent answers), cache emptied.
    cache.clear()
    caching._recent.clear()
    assert summaries(client.get(FEED)) == ["Kommende"]


def test_join_url_is_never_in_a_public_feed(client, vive):
    event = build_event(vive, join_url=SECRET, sessions=[soon(3)])
    assert SECRET.encode() not in client.get(FEED).content
    assert SECRET.encode() not in client.get(f"/feeds/events/{event.pk}.ics").content


def test_empty_feed(client, centre):
    response = client.get(FEED)
    assert response.status_code == 200
    assert parse_all(response.content) == []
    assert parse_icaljs_raw(response.content)["calendar"]["method"] == "PUBLISH"


def test_one_event_feed_holds_all_its_sessions(client, vive):
    course = build_event(vive, title="Forløb", sessions=[soon(3), soon(10), soon(17)])
    build_event(vive, title="Andet", sessions=[soon(4)])
    response = client.get(f"/feeds/events/{course.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    events = parse_all(response.content)
    assert len(events) == 3 and all(e.summary.startswith("Forløb") for e in events)
    assert parse_icaljs_raw(response.content)["calendar"]["name"].endswith("Forløb")


def test_unknown_draft_or_missing_event_is_a_plain_404(client, vive):
    draft = build_event(vive, title="Kladde", publish=False)
    for pk in (draft.pk, 999999):
        response = client.get(f"/feeds/events/{pk}.ics")
        assert response.status_code == 404
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Arrangementet" in response.content.decode()


# --- filters ----------------------------------------------------------------------------------


def test_values_of_one_filter_are_ored_and_filters_anded(client, events):
    assert summaries(client.get(FEED + "?partner=vive,boerns-vilkaar&type=webinar")) == [
        "VIVE-webinar",
        "BV-webinar",
    ]
    assert summaries(client.get(FEED + "?type=webinar&type=conference&partner=vive")) == [
        "VIVE-webinar",
        "VIVE-konference",
    ]
    assert summaries(client.get(FEED + "?audience=sagsbehandlere&topic=anbringelse")) == [
        "BV-webinar"
    ]
    assert summaries(client.get(FEED + "?format=physical")) == ["VIVE-konference"]
    after = (timezone.localtime() + timedelta(days=15)).date().isoformat()
    assert summaries(client.get(FEED + f"?starts_after={after}")) == [
        "VIVE-konference",
        "BV-webinar",
    ]


def test_feed_matches_the_api_selection(client, events):
    query = "?partner=vive&type=webinar,conference&audience=sagsbehandlere,ledere"
    api_titles = [e["title"] for e in client.get("/api/v1/events/" + query).json()["results"]]
    assert summaries(client.get(FEED + query)) == api_titles == ["VIVE-webinar", "VIVE-konference"]


def test_calendar_name_says_what_is_selected(client, events):
    name = parse_icaljs_raw(client.get(FEED + "?partner=vive&type=webinar").content)["calendar"]
    assert name["name"] == name["x_wr_calname"]
    assert "VIVE" in name["name"] and name["name"].endswith("webinarer")
    plain = parse_icaljs_raw(client.get(FEED).content)["calendar"]["name"]
    assert plain.startswith("Videnscenter") and "VIVE" not in plain


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("type=seminar", "type"),
        ("partner=ukendt", "partner"),
        ("topic=ukendt", "topic"),
        ("audience=ukendt", "audience"),
        ("format=telepati", "format"),
        ("status=slettet", "status"),
        ("starts_after=i-morgen", "starts_after"),
        ("starts_before=2026-13-45", "starts_before"),
    ],
)
def test_bad_parameters_are_a_plain_400_naming_the_parameter(client, events, query, parameter):
    response = client.get(f"{FEED}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"{parameter}:" in text
    assert "Ugyldig" in text


# --- cost -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_number_of_events(client, vive, bv, terms):
    def count(tag: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{FEED}?nocache={tag}")
        assert response.status_code == 200
        return len(queries)

    build_event(vive, sessions=[soon(3)], topics=list(terms["topics"].values()))
    count("warm")
    few = count("few")
    for n in range(6):
        build_event(
            vive if n % 2 else bv,
            sessions=[soon(3 + n), soon(4 + n)],
            topics=[terms["topics"]["anbringelse"]],
            audiences=list(terms["audiences"].values()),
        )
    count("warm-again")
    many = count("many")
    assert many == few


def test_api_links_point_at_these_feeds(client, events):
    pk = events["vive_webinar"].pk
    links = client.get(f"/api/v1/events/{pk}/").json()["links"]
    ics = links["ics"]
    assert ics.endswith(f"/feeds/events/{pk}.ics")
    assert links["webcal"] == "webcal://" + ics.split("://", 1)[1]
    path = "/" + ics.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 200
    assert [e.summary for e in parse_all(response.content)] == ["VIVE-webinar"]


def test_times_are_utc_instants_every_parser_agrees_on(client, vive):
    start = (timezone.now() + timedelta(days=9)).replace(hour=9, minute=0, second=0, microsecond=0)
    build_event(vive, sessions=[{"start": start, "end": start + timedelta(hours=2)}])
    (event,) = parse_all(client.get(FEED).content)
    assert (event.start, event.end) == (start, start + timedelta(hours=2))
