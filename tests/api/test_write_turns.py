"""Registration writes take turns within a web process (api/write_turns.py): a second write
waits for the first, at most for its budget, and then gets a clean 503 with Retry-After having
run nothing; reads and other paths never wait for them."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.test import RequestFactory

from api.write_turns import RegistrationWriteTurnMiddleware, _semaphore
from home.budget import RequestBudgetMiddleware

SIGN_UP = "/api/v1/events/12/registrations/"


@pytest.fixture
def held(settings):
    """A web process's stack whose first registration write is held inside the view."""
    settings.REGISTRATION_WRITES_PER_PROCESS = 1
    settings.REQUEST_BUDGET_SECONDS = 0.3
    inside, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def view(request):
        ran.append(f"{request.method} {request.path}")
        if request.headers.get("X-Hold"):
            inside.set()
            release.wait(10)
        return HttpResponse(status=201)

    stack = RequestBudgetMiddleware(RegistrationWriteTurnMiddleware(view))
    first: list[HttpResponse] = []
    holder = threading.Thread(
        target=lambda: first.append(stack(RequestFactory().post(SIGN_UP, headers={"X-Hold": "1"})))
    )
    holder.start()
    assert inside.wait(10)
    yield stack, ran
    release.set()
    holder.join(10)
    assert first[0].status_code == 201


@pytest.mark.parametrize(
    "path", [SIGN_UP, "/api/v1/registrations/abc/change/", "/api/v1/registrations/abc/"]
)
def test_a_second_write_waits_its_budget_then_gets_a_clean_503(held, path):
    stack, ran = held
    response = stack(RequestFactory().post(path))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["code"] == "over_budget"
    assert ran == [f"POST {SIGN_UP}"]  # the second never reached the view


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/registrations/abc/"),
        ("options", SIGN_UP),
        ("get", "/api/v1/events/"),
        ("post", "/admin/login/"),
    ],
)
def test_reads_and_other_paths_never_wait(held, method, path):
    stack, ran = held
    response = stack(getattr(RequestFactory(), method)(path))
    assert response.status_code == 201
    assert ran[-1] == f"{method.upper()} {path}"


def test_the_next_write_runs_once_the_first_is_done(settings):
    settings.REGISTRATION_WRITES_PER_PROCESS = 1
    stack = RequestBudgetMiddleware(RegistrationWriteTurnMiddleware(lambda r: HttpResponse()))
    for _ in range(3):
        assert stack(RequestFactory().post(SIGN_UP)).status_code == 200


def test_no_turns_when_switched_off(settings):
    settings.REGISTRATION_WRITES_PER_PROCESS = 0
    settings.REQUEST_BUDGET_SECONDS = 0.3
    inside, release = threading.Event(), threading.Event()

    def view(request):
        if request.headers.get("X-Hold"):
            inside.set()
            release.wait(10)
        return HttpResponse(status=201)

    stack = RequestBudgetMiddleware(RegistrationWriteTurnMiddleware(view))
    holder = threading.Thread(
        target=lambda: stack(RequestFactory().post(SIGN_UP, headers={"X-Hold": "1"}))
    )
    holder.start()
    try:
        assert inside.wait(10)
        assert stack(RequestFactory().post(SIGN_UP)).status_code == 201
    finally:
        release.set()
        holder.join(10)


@pytest.mark.django_db
def test_a_busy_turn_s_503_carries_cors_headers_a_partner_page_can_read(client, settings):
    origin = "https://partner.example"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    settings.REGISTRATION_WRITES_PER_PROCESS = 1
    settings.REQUEST_BUDGET_SECONDS = 0.2
    turns = _semaphore()
    assert turns is not None and turns.acquire(timeout=1)
    try:
        response = client.post(
            "/api/v1/events/999999/registrations/",
            data="{}",
            content_type="application/json",
            headers={"Origin": origin},
        )
    finally:
        turns.release()
    assert response.status_code == 503
    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Retry-After"] == "5"


def test_a_body_sent_slowly_does_not_hold_the_turn(settings):
    """The body is read before the turn: a client trickling its body keeps nobody waiting."""
    settings.REGISTRATION_WRITES_PER_PROCESS = 1
    settings.REQUEST_BUDGET_SECONDS = 2
    reading, release = threading.Event(), threading.Event()

    class SlowBody(io.BytesIO):
        def read(self, *args):
            reading.set()
            release.wait(10)
            return super().read(*args)

    def view(request):
        request.body  # noqa: B018 - as the real view reads it
        return HttpResponse(status=201)

    stack = RequestBudgetMiddleware(RegistrationWriteTurnMiddleware(view))
    slow = RequestFactory().post(SIGN_UP, data=b"{}", content_type="application/json")
    slow._stream = LimitedStream(SlowBody(b"{}"), 2)
    answers: list[int] = []
    holder = threading.Thread(target=lambda: answers.append(stack(slow).status_code))
    holder.start()
    try:
        assert reading.wait(10)
        started = time.monotonic()
        assert stack(RequestFactory().post(SIGN_UP)).status_code == 201
        assert time.monotonic() - started < 1
    finally:
        release.set()
        holder.join(10)
    assert answers == [201]
