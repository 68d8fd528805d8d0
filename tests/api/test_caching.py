"""ETag, Last-Modified, 304 before any work, and no stale answer after a publish."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date
from freezegun import freeze_time

from api.seat_versions import EVENT_KEY, GLOBAL_KEY
from events.registrations.services import registration_cancel
from home.models import ContentChange, KnowledgePage
from tests.events.registrations import sign_up, vocabulary  # noqa: F401


def into_the_next_second() -> None:
    """Last-Modified comes once the second of the last change is over (``api.caching``); a
    first request draws the seats version if there is none, which is a change too."""
    time.sleep(1.05 - time.time() % 1)


def test_every_get_has_validators_and_cdn_cache_control(api, knowledge):
    api.get("/api/v1/knowledge/")
    into_the_next_second()
    response = api.get("/api/v1/knowledge/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]


def test_last_modified_waits_for_the_second_of_the_last_change_to_end(api, knowledge):
    """Two changes in one second share one Last-Modified: given after the first, it would have
    a client that revalidates by date alone told "not modified" after the second."""
    change = timezone.now().replace(microsecond=100_000) + timedelta(seconds=5)
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    with freeze_time(change):
        page.save_revision().publish()
    with freeze_time(change + timedelta(milliseconds=300)):
        first = api.get("/api/v1/knowledge/")
    assert first.status_code == 200 and first.has_header("ETag")
    assert not first.has_header("Last-Modified")  # another change may come within this second
    with freeze_time(change + timedelta(milliseconds=600)):
        page.save_revision().publish()
    with freeze_time(change + timedelta(seconds=1, milliseconds=200)):
        second = api.get("/api/v1/knowledge/")
        by_tag = api.get("/api/v1/knowledge/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_tag.status_code == 200  # the ETag followed the second change
    assert parse_http_date(second["Last-Modified"]) == int(change.timestamp())
    with freeze_time(change + timedelta(seconds=3)):
        by_date = api.get("/api/v1/knowledge/", HTTP_IF_MODIFIED_SINCE=second["Last-Modified"])
    assert by_date.status_code == 304  # nothing changed since the date it was given


def test_if_none_match_is_304_without_building_the_body(api, knowledge):
    etag = api.get("/api/v1/knowledge/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/knowledge/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert len(queries) == 1  # the content version, nothing else


def test_if_modified_since_is_304(api, knowledge):
    api.get("/api/v1/knowledge/")
    into_the_next_second()
    last_modified = api.get("/api/v1/knowledge/")["Last-Modified"]
    response = api.get("/api/v1/knowledge/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_second_request_is_served_from_the_shared_cache(api, knowledge):
    first = api.get("/api/v1/knowledge/")
    with CaptureQueriesContext(connection) as queries:
        second = api.get("/api/v1/knowledge/")
    assert second.content == first.content
    assert len(queries) == 1


def test_each_host_and_scheme_gets_its_own_links_and_validator(api, knowledge):
    """The API's pages link on absolutely; what one host's client got is never another's."""
    path = "/api/v1/knowledge/?page_size=1"
    answers = {
        (host, secure): api.get(path, HTTP_HOST=host, secure=secure)
        for host in ("a.example", "b.example")
        for secure in (False, True)
    }
    for (host, secure), response in answers.items():
        scheme = "https" if secure else "http"
        assert response.json()["next"].startswith(f"{scheme}://{host}/"), response.json()["next"]
    assert len({response["ETag"] for response in answers.values()}) == 4
    mine = answers[("a.example", False)]["ETag"]
    assert api.get(path, HTTP_HOST="b.example", HTTP_IF_NONE_MATCH=mine).status_code == 200


def test_no_stale_answer_after_a_publish(api, knowledge):
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    before = api.get(f"/api/v1/knowledge/{page.pk}/")
    page.title = "Anbragte unges trivsel (2. udgave)"
    page.save_revision().publish()
    after = api.get(f"/api/v1/knowledge/{page.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["title"] == "Anbragte unges trivsel (2. udgave)"
    assert after["ETag"] != before["ETag"]


def test_unpublish_removes_from_cached_list(api, knowledge):
    assert api.get("/api/v1/knowledge/").json()["count"] == 2
    KnowledgePage.objects.get(slug="anbragte-unges-trivsel").unpublish()
    assert api.get("/api/v1/knowledge/").json()["count"] == 1


def test_errors_are_not_cached(api, knowledge):
    assert api.get("/api/v1/knowledge/?kind=novel").status_code == 400
    assert "ETag" not in api.get("/api/v1/knowledge/?kind=novel")


# --- validators that change only when the answer can ------------------------------------------


@pytest.fixture
def seated(event_of, vive, vocabulary):  # noqa: F811
    return event_of(vive, capacity=3, waiting_list_enabled=True)


def test_the_etag_holds_for_hours_while_nothing_changes(api, seated):
    """No time bucket: a CDN revalidating after max-age gets a 304, not a rebuilt 200."""
    with freeze_time(timezone.now()) as clock:
        first = api.get("/api/v1/events/")
        clock.tick(timedelta(hours=3))
        again = api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]
        feed = api.get("/feeds/events.ics")
        clock.tick(timedelta(hours=5))
        assert api.get("/feeds/events.ics", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304


def test_a_sign_up_changes_seats_left_and_the_etag_at_once(
    api, seated, django_capture_on_commit_callbacks
):
    before = api.get(f"/api/v1/events/{seated.pk}/")
    assert before.json()["registration"]["seats_left"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(seated)
    after = api.get(f"/api/v1/events/{seated.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["registration"]["seats_left"] == 2
    listed = api.get("/api/v1/events/").json()["results"]
    assert [e["registration"]["seats_left"] for e in listed if e["id"] == seated.pk] == [2]


def test_a_cancellation_frees_the_seat_in_the_api(api, seated, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign_up(seated)
    etag = api.get(f"/api/v1/events/{seated.pk}/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=outcome.registration)
    after = api.get(f"/api/v1/events/{seated.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after.json()["registration"]["seats_left"] == 3


def test_a_sign_up_writes_no_change_log_row(api, seated, django_capture_on_commit_callbacks):
    rows = ContentChange.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(seated)
    assert ContentChange.objects.count() == rows


def test_registration_opening_changes_the_answer_when_it_comes(api, event_of, vive):
    opens = timezone.now() + timedelta(days=2)
    event = event_of(vive, registration_opens=opens)
    with freeze_time(opens - timedelta(hours=1)):
        before = api.get(f"/api/v1/events/{event.pk}/")
        assert before.json()["registration"]["state"] == "not_yet_open"
        assert (
            api.get(f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code
            == 304
        )
    with freeze_time(opens + timedelta(minutes=1)):
        after = api.get(f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after.json()["registration"]["state"] == "open"
        assert parse_http_date(after["Last-Modified"]) == int(opens.timestamp())


def test_a_lost_seats_version_changes_the_etag_never_keeps_it(api, seated):
    first = api.get("/api/v1/events/")["ETag"]  # built: its ids are now known
    listed = api.get("/api/v1/events/")["ETag"]  # by the listed events' versions
    detail = api.get(f"/api/v1/events/{seated.pk}/")["ETag"]
    knowledge = api.get("/api/v1/knowledge/")["ETag"]
    cache.delete_many([GLOBAL_KEY, EVENT_KEY.format(seated.pk)])
    assert api.get("/api/v1/events/")["ETag"] not in (first, listed)
    assert api.get(f"/api/v1/events/{seated.pk}/")["ETag"] != detail
    assert api.get("/api/v1/knowledge/")["ETag"] != knowledge


def test_a_sign_up_moves_only_the_answers_that_show_the_event(
    api, seated, event_of, vive, django_capture_on_commit_callbacks
):
    """A sign-up to one event leaves the other events' answers, and list pages without the
    event, valid: they stay 304 and in the shared cache. The page with it changes at once."""
    other = event_of(vive, capacity=5)
    api.get("/api/v1/events/")  # the first build records which events each page shows
    api.get("/api/v1/events/?partner=vive&page_size=1&ordering=-start")
    pages = {
        path: api.get(path)
        for path in (
            "/api/v1/events/",
            f"/api/v1/events/{seated.pk}/",
            f"/api/v1/events/{other.pk}/",
        )
    }
    alone = api.get("/api/v1/events/?partner=vive&page_size=1&ordering=-start")
    shown = [e["id"] for e in alone.json()["results"]]
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(seated if shown == [other.pk] else other)
    changed = seated.pk if shown == [other.pk] else other.pk
    unchanged = other.pk if changed == seated.pk else seated.pk

    again = {path: api.get(path, HTTP_IF_NONE_MATCH=r["ETag"]) for path, r in pages.items()}
    assert again["/api/v1/events/"].status_code == 200
    assert again[f"/api/v1/events/{changed}/"].status_code == 200
    assert again[f"/api/v1/events/{unchanged}/"].status_code == 304
    path = "/api/v1/events/?partner=vive&page_size=1&ordering=-start"
    assert api.get(path, HTTP_IF_NONE_MATCH=alone["ETag"]).status_code == 304
    seats = {
        e["id"]: e["registration"]["seats_left"] for e in again["/api/v1/events/"].json()["results"]
    }
    assert seats[changed] == (2 if changed == seated.pk else 4)


def test_a_page_known_before_the_sign_up_shows_the_new_seats(
    api, seated, django_capture_on_commit_callbacks
):
    """The ids a page recorded are read before the build: the page with the event is rebuilt,
    never served from the cache under its earlier version."""
    api.get("/api/v1/events/")
    before = api.get("/api/v1/events/")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(seated)
    after = api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert [e["registration"]["seats_left"] for e in after.json()["results"]] == [2]
    assert api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_a_304_carries_the_vary_of_its_200(api, knowledge):
    full = api.get("/api/v1/knowledge/", HTTP_ORIGIN="https://www.vive.dk")
    again = api.get(
        "/api/v1/knowledge/", HTTP_IF_NONE_MATCH=full["ETag"], HTTP_ORIGIN="https://www.vive.dk"
    )
    assert again.status_code == 304
    assert full["Vary"]
    assert sorted(v.strip().lower() for v in again["Vary"].split(",")) == sorted(
        v.strip().lower() for v in full["Vary"].split(",")
    )
    assert again["Cache-Control"] == full["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/knowledge/?kind=novel", 400),
        ("/api/v1/events/999999/", 404),
        ("/api/v1/nothing-here/", 404),
        ("/feeds/events.ics?type=novel", 400),
        ("/feeds/events/999999.ics", 404),
    ],
)
def test_errors_of_a_get_may_be_kept_a_minute(api, knowledge, path, status):
    response = api.get(path)
    assert response.status_code == status
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"


def test_a_throttled_sign_up_is_never_stored(api, seated, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "registrations": "1/minute",
        },
    }
    answers = [
        api.post(f"/api/v1/events/{seated.pk}/registrations/", data={}, format="json")
        for _ in range(3)
    ]
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled, [a.status_code for a in answers]
    assert all(a["Cache-Control"] == "no-store" for a in answers)


def test_a_personal_url_s_error_is_never_stored(api, centre):
    response = api.get("/api/v1/registrations/no-such-token/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_a_get_for_any_id_writes_no_seats_version(api, seated):
    """Only an event whose answer was built gets a version of its own: an id from a URL alone
    adds no key to the shared cache, however many a client tries."""
    for number in (999999999999999991, 5555555):
        assert api.get(f"/api/v1/events/{number}/").status_code == 404
        assert cache.get(EVENT_KEY.format(number)) is None
    assert api.get(f"/api/v1/events/{seated.pk}/").status_code == 200
    assert cache.get(EVENT_KEY.format(seated.pk)) is not None


def test_a_registration_deadline_passing_while_a_page_is_built_never_sticks(
    api,
    event_of,
    vive,
    vocabulary,  # noqa: F811
    monkeypatch,
):
    """The validators worked out again after a build keep the moment the request asked: an
    answer built just before a deadline is never kept under the epoch after it."""
    from api import caching

    closes = timezone.now() + timedelta(days=2)
    event_of(vive, capacity=3, registration_closes=closes)
    with freeze_time(closes - timedelta(seconds=1)) as clock:
        original = caching._validators_by_own_versions

        def late(*args, **kwargs):  # the deadline passes while the page is built
            clock.tick(timedelta(seconds=2))
            return original(*args, **kwargs)

        monkeypatch.setattr(caching, "_validators_by_own_versions", late)
        first = api.get("/api/v1/events/")
        assert first.json()["results"][0]["registration"]["state"] == "open"
        monkeypatch.setattr(caching, "_validators_by_own_versions", original)
        clock.tick(timedelta(hours=5))
        later = api.get("/api/v1/events/")
        assert later.json()["results"][0]["registration"]["state"] == "closed"
