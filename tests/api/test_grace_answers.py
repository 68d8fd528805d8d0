"""Grace answers (issue 20): after a publish, a busy origin answers a popular list or feed with
the answer it replaces, at once, while one build of the new answer runs; never a 503 or a wait
when that answer is at hand, and never when a slot is free."""

import time

import pytest

from api import capacity
from api.grace import GRACE_CACHE_CONTROL
from tests.events.registrations import vocabulary  # noqa: F401

# The deferred build runs in a thread of its own, with its own database connection.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIST = "/api/v1/events/?partner=vive"
FEED = "/feeds/events.ics?partner=vive"


@pytest.fixture
def events(event_of, vive, vocabulary):  # noqa: F811
    return [event_of(vive, title=f"Arrangement {i}") for i in range(2)]


@pytest.fixture
def busy(settings):
    """The process's build slot taken, as by a build still running."""
    settings.EXPENSIVE_BUILDS_PER_PROCESS = 1
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 0.05
    gate = capacity._current_gate()
    assert gate.acquire(1)
    held = [True]

    def release():
        if held[0]:
            gate.release()
            held[0] = False

    yield release
    release()


def deferred_builds_done() -> None:
    capacity.deferred_builds_done()


def titles(response) -> list[str]:
    return [event["title"] for event in response.json()["results"]]


def test_a_free_slot_builds_the_new_answer_at_once(api, events, event_of, vive):
    api.get(LIST)
    event_of(vive, title="Nyt arrangement")
    response = api.get(LIST)
    assert "Nyt arrangement" in titles(response)
    assert response["Cache-Control"] != GRACE_CACHE_CONTROL


def test_a_busy_origin_answers_the_previous_answer_not_a_503(api, events, event_of, vive, busy):
    busy()  # the first answers are built
    before = api.get(LIST)
    feed_before = api.get(FEED)
    event_of(vive, title="Nyt arrangement")
    busy_again = capacity._current_gate()
    assert busy_again.acquire(1)
    try:
        grace = api.get(LIST)
        feed_grace = api.get(FEED)
    finally:
        busy_again.release()
    assert grace.status_code == 200
    assert grace.content == before.content
    assert grace["ETag"] == before["ETag"]  # its own validator: a revalidation gets the new one
    assert grace["Cache-Control"] == GRACE_CACHE_CONTROL
    assert feed_grace.status_code == 200 and feed_grace.content == feed_before.content
    deferred_builds_done()
    fresh = api.get(LIST, HTTP_IF_NONE_MATCH=grace["ETag"])
    assert fresh.status_code == 200
    assert "Nyt arrangement" in titles(fresh)


def test_the_deferred_build_fills_the_cache_once_a_slot_is_free(
    api, events, event_of, vive, settings
):
    settings.EXPENSIVE_BUILDS_PER_PROCESS = 1
    api.get(LIST)
    event_of(vive, title="Nyt arrangement")
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 5
    gate = capacity._current_gate()
    assert gate.acquire(1)
    try:
        settings.EXPENSIVE_BUILD_WAIT_SECONDS = 5
        grace = api.get(LIST)
        assert "Nyt arrangement" not in titles(grace)
    finally:
        time.sleep(0.1)
        gate.release()  # the background build gets its turn now
    deferred_builds_done()
    assert gate.acquire(1)  # busy again: only the cache can answer now
    try:
        assert "Nyt arrangement" in titles(api.get(LIST))
    finally:
        gate.release()


def test_while_another_process_builds_it_the_previous_answer_goes_out_at_once(
    api, events, event_of, vive, monkeypatch, settings
):
    settings.EXPENSIVE_BUILD_WAIT_SECONDS = 5
    before = api.get(LIST)
    event_of(vive, title="Nyt arrangement")

    class ClaimedElsewhere(capacity._Claim):
        def __init__(self, name, seconds):
            self.name, self.token, self.owned = name, "another", False

    monkeypatch.setattr(capacity, "_Claim", ClaimedElsewhere)
    started = time.monotonic()
    grace = api.get(LIST)
    assert time.monotonic() - started < 2  # no wait for the other's build
    assert grace.content == before.content


def test_without_a_previous_answer_a_busy_origin_still_sheds(api, events, busy):
    response = api.get(LIST)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_grace_answer_is_never_another_path_s(api, events, event_of, vive, busy):
    busy()
    api.get("/api/v1/events/?partner=sst")
    event_of(vive, title="Nyt arrangement")
    gate = capacity._current_gate()
    assert gate.acquire(1)
    try:
        assert api.get(LIST).status_code == 503
    finally:
        gate.release()


def busy_get(api, path):
    gate = capacity._current_gate()
    assert gate.acquire(1)
    try:
        return api.get(path)
    finally:
        gate.release()


def test_after_an_unpublish_nothing_older_stands_in(api, events, busy):
    busy()
    before = api.get(LIST)
    assert len(titles(before)) == 2
    events[0].unpublish()
    after = busy_get(api, LIST)
    assert after.status_code == 503  # rather than the list with the unpublished event
    assert after["Cache-Control"] == "no-store"


def test_a_grace_answer_stands_in_for_seconds_only(api, events, event_of, vive, busy, monkeypatch):
    from api import grace

    busy()
    api.get(LIST)
    event_of(vive, title="Nyt arrangement")
    monkeypatch.setattr(grace, "GRACE_SECONDS", -1)  # its seconds are up
    assert busy_get(api, LIST).status_code == 503


def test_the_change_feed_never_gets_a_grace_answer(api, events, event_of, vive, busy):
    busy()
    api.get("/api/v1/changes/")
    event_of(vive, title="Nyt arrangement")
    assert busy_get(api, "/api/v1/changes/").status_code == 503


def test_a_full_background_queue_still_answers_with_the_previous_answer(
    api, events, event_of, vive, busy, monkeypatch
):
    busy()
    before = api.get(LIST)
    event_of(vive, title="Nyt arrangement")
    monkeypatch.setattr(capacity, "_build_later", lambda job, claim: False)
    grace = busy_get(api, LIST)
    assert grace.status_code == 200 and grace.content == before.content
    # nobody builds it now, so the claim is given up: the next request may build it
    fresh = api.get(LIST)
    assert "Nyt arrangement" in titles(fresh)
