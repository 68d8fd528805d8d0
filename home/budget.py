"""Request budgets: no request runs unbounded, and one that runs over ends cleanly.

Three bounds, from the innermost out:

- **Cooperative deadlines.** Every request gets a deadline (``REQUEST_BUDGET_SECONDS``, the
  admin ``ADMIN_REQUEST_BUDGET_SECONDS``); an expensive build may get a shorter one
  (``budget``). Loops whose length the request decides (the feeds, per event written) call
  ``budget_check``, which raises ``RequestOverBudget`` once it has passed (the API's lists
  are bounded by their page size, at most 100, and by the statement timeout). The
  exception unwinds like any other: transactions roll back, locks (row locks, ``home.locks``)
  are released by their ``with`` blocks, and nothing has been written to the client, because
  Django sends a response only once the view has returned it. The middleware answers 503 with
  ``Retry-After``.
- **The database.** Web processes set PostgreSQL's ``statement_timeout`` (``DB_STATEMENT_TIMEOUT``,
  set by ``cms/gunicorn.conf.py``), so no query outlives the longest budget; a cancelled query
  is a 503 like any database that does not answer (``home.database``).
- **The server.** gunicorn replaces a worker process that stops answering its heartbeat.

Whatever ended it, a request that took longer than its budget is logged with its method, path
and duration (the ``home.budget`` logger), so the slow paths show up in the logs.

The deadline lives in a ``ContextVar``: each thread of a threaded worker (and each task of an
async one) has its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

_deadline: ContextVar[float | None] = ContextVar("request_deadline", default=None)

OVER_BUDGET_MESSAGE = "Svaret tog for lang tid at lave. Prøv igen om lidt."


class RequestOverBudget(Exception):
    """The request has used its time; raised by ``budget_check``."""


def budget_check() -> None:
    """Raise ``RequestOverBudget`` if the current request's deadline has passed. Cheap enough
    to call once per item of a long loop; outside a request (a task, a command) it does
    nothing."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise RequestOverBudget


def budget_left() -> float | None:
    """Seconds the current request has left (negative once over); None outside a request."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """At most ``seconds`` more for what runs inside (never more than the request has left)."""
    deadline = time.monotonic() + seconds
    current = _deadline.get()
    token = _deadline.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def request_budget_seconds(path: str) -> float:
    if path.startswith("/admin/"):
        return float(settings.ADMIN_REQUEST_BUDGET_SECONDS)
    return float(settings.REQUEST_BUDGET_SECONDS)


def retry_later_response(request: HttpRequest, message: str, *, code: str, retry_after: int):
    """A 503 that says "not now": JSON for the API, text for the feeds, a small Danish page
    for people. Never stored by a cache."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": code, "detail": message}, status=503)
    elif request.path.startswith("/feeds/"):
        response = HttpResponse(
            message + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
    else:
        html = (
            '<!doctype html><html lang="da"><head><meta charset="utf-8">'
            f"<title>503</title></head><body><main><h1>{message}</h1></main></body></html>"
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RequestBudgetMiddleware:
    """Gives each request its deadline, answers ``RequestOverBudget`` with a 503 and logs every
    request that ran over, whatever ended it. Outermost but for the security headers, so the
    time of the whole stack counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = request_budget_seconds(request.path)
        started = time.monotonic()
        token = _deadline.set(started + seconds)
        status = "-"
        try:
            response = self.get_response(request)
            status = str(response.status_code)
            return response
        finally:
            _deadline.reset(token)
            duration = time.monotonic() - started
            if duration > seconds:
                logger.warning(
                    "request over budget: %s %s took %.2f s (budget %.1f s, status %s)",
                    request.method,
                    request.path,
                    duration,
                    seconds,
                    status,
                    extra={"path": request.path, "duration": round(duration, 3)},
                )

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RequestOverBudget):
            return retry_later_response(
                request, OVER_BUDGET_MESSAGE, code="over_budget", retry_after=5
            )
        return None
