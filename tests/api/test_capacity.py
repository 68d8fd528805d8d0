"""Load shedding, one build per answer, requests past their budget, and validators that do not
depend on how a client words its Accept header (issue 20). Behaviour only: speed lives in
bench/capacity.py."""

import logging
import threading
import time

import pytest
from django.db import connection

from api import capacity
from tests.events.registrations import vocabulary  # noqa: F401


@pytest.fixture
def events(event_of, vive, vocabulary):  # noqa: F811
    return [event_of(vive, title=f"Arrangement {i}") for i in range(3)]


@pytest.fixture
def gate_held(settings):
    """Every expensive build slot of this process taken, as by builds still running."""
    settings.EXPENSIVE_BUILDS_PER_PROCESS = 1
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 0.05
    gate = capacity._current_gate()
    assert gate.acquire(1)
    yield gate
    gate.release()


# --- load shedding: only the expensive class --------------------------------------------------


def test_an_expensive_build_that_cannot_get_a_turn_is_shed_with_retry_after(api, events, gate_held):
    feed = api.get("/feeds/events.ics?type=conference")
    assert feed.status_code == 503
    assert feed["Retry-After"] == "5"
    assert feed["Cache-Control"] == "no-store"
    assert feed["Content-Type"].startswith("text/plain")
    assert "travlt" in feed.content.decode()
    listing = api.get("/api/v1/events/?partner=vive")
    assert listing.status_code == 503
    assert listing.json() == {
        "code": "overloaded",
        "detail": "Der er travlt lige nu. Prøv igen om lidt.",
    }
    assert listing["Retry-After"] == "5"


def test_cheap_answers_are_never_shed(api, events, settings, django_capture_on_commit_callbacks):
    settings.EXPENSIVE_BUILDS_PER_PROCESS = 1
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 0.05
    warm_feed = api.get("/feeds/events.ics")
    warm_list = api.get("/api/v1/events/")
    gate = capacity._current_gate()
    assert gate.acquire(1)
    try:
        # a revalidation, an answer from the cache, a detail, a single event's feed, a sign-up
        assert api.get("/feeds/events.ics", HTTP_IF_NONE_MATCH=warm_feed["ETag"]).status_code == 304
        assert api.get("/feeds/events.ics").status_code == 200
        assert api.get("/api/v1/events/").content == warm_list.content
        assert api.get(f"/api/v1/events/{events[0].pk}/").status_code == 200
        assert api.get(f"/feeds/events/{events[0].pk}.ics").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            signed_up = api.post(
                f"/api/v1/events/{events[1].pk}/registrations/",
                {
                    "name": "Ida Ærø",
                    "email": "ida@kommune.example",
                    "workplace": "Familieafdelingen",
                    "municipality": "0101",
                    "job_role": "sagsbehandlere",
                    "consent": True,
                },
                format="json",
            )
        assert signed_up.status_code == 201, signed_up.content
        # while the expensive ones wait for their turn
        assert api.get("/api/v1/events/?partner=vive").status_code == 503
    finally:
        gate.release()
    assert api.get("/api/v1/events/?partner=vive").status_code == 200


def test_a_full_queue_sheds_at_once_without_waiting(api, events, settings, gate_held):
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 30
    settings.EXPENSIVE_BUILD_QUEUE = 0
    gate = capacity._current_gate()  # the same slot count: the held one is still taken
    assert gate.acquire(0) is False
    started = time.monotonic()
    assert api.get("/feeds/events.ics?partner=vive").status_code == 503
    assert time.monotonic() - started < 5


def test_the_same_cold_answer_is_built_once_for_clients_asking_at_once(settings):
    """Four threads ask for one cold answer: one builds it, the others are served its bytes."""
    settings.EXPENSIVE_BUILDS_PER_PROCESS = 2
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 5
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    builds = []
    results = []
    key = "http:test-single-flight"

    def build():
        builds.append(1)
        time.sleep(0.3)
        cache.set(key, (200, {}, b"feed"), 60)
        return HttpResponse(b"feed")

    def client():
        request = RequestFactory().get("/feeds/events.ics")
        results.append(capacity.build_in_turn(request, key, cache.get, build))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    served = [entry[2] if entry else response.content for entry, response in results]
    assert served == [b"feed"] * 4


# --- budgets: a request past its time ends cleanly and is logged -------------------------------


def test_a_feed_past_its_budget_ends_with_a_503_and_a_log_line(api, events, settings, caplog):
    settings.REQUEST_BUDGET_SECONDS = 0
    with caplog.at_level(logging.WARNING, logger="home.budget"):
        response = api.get("/feeds/events.ics?partner=vive")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "BEGIN:VCALENDAR" not in response.content.decode()  # nothing half written
    assert "for lang tid" in response.content.decode()
    [record] = [r for r in caplog.records if "over budget" in r.getMessage()]
    assert record.path == "/feeds/events.ics"
    assert record.duration >= 0
    assert "/feeds/events.ics" in record.getMessage()
    # the connection, the cache and the process are fine: the next request is answered
    settings.REQUEST_BUDGET_SECONDS = 15
    again = api.get("/feeds/events.ics?partner=vive")
    assert again.status_code == 200
    assert b"BEGIN:VCALENDAR" in again.content
    assert connection.is_usable()


def test_an_expensive_build_has_its_own_shorter_budget(api, events, settings):
    settings.EXPENSIVE_BUILD_BUDGET_SECONDS = 0
    assert api.get("/feeds/events.ics?type=conference,webinar").status_code == 503
    assert api.get(f"/feeds/events/{events[0].pk}.ics").status_code == 200  # not expensive


def test_a_slow_request_that_finishes_is_still_logged(api, events, settings, caplog):
    settings.REQUEST_BUDGET_SECONDS = 0
    with caplog.at_level(logging.WARNING, logger="home.budget"):
        response = api.get(f"/api/v1/events/{events[0].pk}/")
    assert response.status_code == 200
    assert any(
        f"/api/v1/events/{events[0].pk}/" in r.getMessage() and "status 200" in r.getMessage()
        for r in caplog.records
    )


def test_the_admin_has_a_longer_budget(settings):
    from home.budget import request_budget_seconds

    assert request_budget_seconds("/admin/pages/") == settings.ADMIN_REQUEST_BUDGET_SECONDS
    assert request_budget_seconds("/feeds/events.ics") == settings.REQUEST_BUDGET_SECONDS


# --- validators: the same bytes, the same ETag, whatever Accept says ----------------------------

JSON_ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json, text/plain, */*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/*",
]


@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/partners/"])
def test_api_answers_carry_one_etag_for_every_accept_that_gets_json(api, events, path):
    answers = []
    for accept in JSON_ACCEPTS:
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        answers.append(api.get(path, **headers))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert len({a["ETag"] for a in answers}) == 1
    # and a client revalidating with another wording gets its 304
    etag = answers[0]["ETag"]
    assert api.get(path, HTTP_ACCEPT="*/*", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_client_that_accepts_no_json_gets_no_304_for_the_json_validator(api, events):
    etag = api.get("/api/v1/events/")["ETag"]
    refused = api.get("/api/v1/events/", HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=etag)
    assert refused.status_code == 406
    refused = api.get("/api/v1/events/", HTTP_ACCEPT="image/png", HTTP_IF_NONE_MATCH=etag)
    assert refused.status_code == 406


@pytest.mark.parametrize("accept", [None, "text/calendar", "*/*", "text/html", "application/json"])
def test_feeds_carry_one_etag_whatever_accept_says(api, events, accept):
    plain = api.get("/feeds/events.ics")
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    other = api.get("/feeds/events.ics", **headers)
    assert other.content == plain.content
    assert other["ETag"] == plain["ETag"]


def _vary(response) -> set[str]:
    return {v.strip() for v in response.get("Vary", "").split(",") if v.strip()}


def test_vary_names_what_each_answer_varies_on_in_200_and_304_alike(api, events):
    feed = api.get("/feeds/events.ics")
    feed_304 = api.get("/feeds/events.ics", HTTP_IF_NONE_MATCH=feed["ETag"])
    assert feed_304.status_code == 304
    assert _vary(feed) == _vary(feed_304)
    assert "Accept" not in _vary(feed)  # the feeds are text/calendar for everyone
    assert "Origin" in _vary(feed)
    listing = api.get("/api/v1/events/")
    listing_304 = api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=listing["ETag"])
    assert _vary(listing) == _vary(listing_304)
    assert {"Accept", "Origin"} <= _vary(listing)


def test_builds_take_turns_across_the_machines_processes(settings, tmp_path):
    """A slot is a lock on a file every process of the machine shares: while another process
    (here: a child holding the lock) builds, this one waits, then is shed."""
    import subprocess
    import sys

    settings.BUILD_SLOTS_DIR = str(tmp_path)
    settings.EXPENSIVE_BUILDS_PER_MACHINE = 1
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
            str(tmp_path / "slot-0"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        slot = capacity._MachineSlot()
        started = time.monotonic()
        assert slot.acquire(started + 0.2) is False
        assert time.monotonic() - started >= 0.2
    finally:
        holder.kill()
        holder.wait()
    # the holder died: its lock with it
    slot = capacity._MachineSlot()
    assert slot.acquire(time.monotonic() + 1) is True
    second = capacity._MachineSlot()
    assert second.acquire(time.monotonic() + 0.05) is False  # one slot, taken
    slot.release()
    assert second.acquire(time.monotonic() + 0.05) is True
    second.release()


def test_a_request_waiting_for_an_answer_that_is_never_cached_builds_its_own_at_once(settings):
    """The builder of an error answer (not cached) gives its claim up: the one waiting for it
    does not sit out the whole wait."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 10
    key = "http:test-never-cached"
    cache.add(f"{key}:building", 1, timeout=30)  # another request is building it ...
    threading.Timer(0.2, cache.delete, args=[f"{key}:building"]).start()  # ... and fails
    started = time.monotonic()
    entry, response = capacity.build_in_turn(
        RequestFactory().get("/feeds/events.ics?type=x"),
        key,
        cache.get,
        lambda: HttpResponse("Ugyldig forespørgsel", status=400),
    )
    assert entry is None and response.status_code == 400
    assert time.monotonic() - started < 2


def test_a_machine_without_a_writable_slots_directory_still_builds(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.BUILD_SLOTS_DIR = str(blocker / "slots")  # under a file: cannot be made
    settings.EXPENSIVE_BUILDS_PER_MACHINE = 1
    slot = capacity._MachineSlot()
    assert slot.acquire(time.monotonic() + 0.1) is True
    slot.release()


def test_a_json_of_its_own_gets_its_own_validator(api, events):
    plain = api.get("/api/v1/partners/")
    indented = api.get("/api/v1/partners/", HTTP_ACCEPT="application/json; indent=4")
    assert indented.status_code == 200
    assert indented.content != plain.content
    assert indented["ETag"] != plain["ETag"]
    charset = api.get("/api/v1/partners/", HTTP_ACCEPT="application/json; charset=utf-8")
    assert charset["ETag"] == plain["ETag"]


def test_only_the_claims_owner_gives_it_up(settings):
    """A request that waited in vain for another's build builds its own, and leaves the other's
    claim alone, so the requests after it still wait for the first builder."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 0.2
    key = "http:test-claimed-elsewhere"
    assert cache.add(f"{key}:building", "other", timeout=30)
    entry, response = capacity.build_in_turn(
        RequestFactory().get("/feeds/events.ics"), key, cache.get, lambda: HttpResponse("x")
    )
    assert response.status_code == 200
    assert cache.get(f"{key}:building") == "other"


def test_a_shared_cache_that_does_not_answer_costs_single_flight_not_the_answer(monkeypatch):
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    def down(*args, **kwargs):
        raise ConnectionError("the shared cache does not answer")

    monkeypatch.setattr(cache, "add", down)
    monkeypatch.setattr(cache, "delete", down)
    entry, response = capacity.build_in_turn(
        RequestFactory().get("/feeds/events.ics"),
        "http:x",
        lambda key: None,
        lambda: HttpResponse("x"),
    )
    assert response.status_code == 200


def test_requests_waiting_for_another_build_count_as_waiting(settings):
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    settings.EXPENSIVE_BUILD_QUEUE = 0
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 5
    key = "http:test-queue-full"
    assert cache.add(f"{key}:building", "other", timeout=30)
    started = time.monotonic()
    entry, response = capacity.build_in_turn(
        RequestFactory().get("/feeds/events.ics"), key, cache.get, lambda: HttpResponse("x")
    )
    assert response.status_code == 503
    assert time.monotonic() - started < 1


def test_the_background_thread_outlives_a_build_that_fails_to_tidy_up(settings, monkeypatch):
    """A deferred build whose tidying up raises (the pool gone) neither ends the process's
    background thread nor keeps what comes after it from being built."""
    from django.core.cache import cache

    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 1
    built = []
    calls = {"n": 0}
    real_close_all = capacity.connections.close_all

    def close_all_once_broken():
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the pool is gone")
        real_close_all()

    monkeypatch.setattr(capacity.connections, "close_all", close_all_once_broken)

    def job(name):
        return lambda: built.append(name)

    for name in ("first", "second"):
        claim = capacity._Claim(f"http:test-deferred-{name}:building", 5)
        assert capacity._build_later(job(name), claim)
        capacity.deferred_builds_done()
    assert built == ["first", "second"]
    assert cache.get("http:test-deferred-first:building") is None  # given up
