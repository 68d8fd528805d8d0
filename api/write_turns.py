"""Registration writes take turns within a web process.

A sign-up, a change of answers or a transfer holds its event's row lock (and the places of its
options) from the seat count to the commit. In a threaded web process (``cms/gunicorn.conf.py``)
the thread holding that lock shares the interpreter lock with the process's other sign-ups,
which parse and validate theirs meanwhile: the holder then runs a fraction of the time, every
other sign-up of the event waits for it, and the switching costs CPU of its own. Measured with
``bench/registrations.py`` (200 sign-ups at once for one event, two processes): 57 sign-ups/s and
17.4 ms of web CPU per sign-up with eight at once per process, 110/s and 12.5 ms with one (two
sync workers). So writes take turns, ``REGISTRATION_WRITES_PER_PROCESS`` at a time (one);
reads, revalidations and the builds are not held up by them, and a process's writes could not
run in parallel anyway (one interpreter lock per process).

A write waits for its turn for what is left of its request's budget; past that it is answered
as any request over budget is (503 with ``Retry-After``), having written nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from api.parsers import body_too_large
from home.budget import OVER_BUDGET_MESSAGE, budget_left, retry_later_response

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A sign-up, and what a registrant does with their registration by its token.
REGISTRATION_WRITES = re.compile(r"^/api/v1/(events/[^/]+/registrations/|registrations/)")

_turns: tuple[int, threading.BoundedSemaphore] | None = None
_turns_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore | None:
    """The process's turns, made anew if the setting changed (tests override it)."""
    global _turns
    size = int(settings.REGISTRATION_WRITES_PER_PROCESS)
    if size <= 0:
        return None
    with _turns_lock:
        if _turns is None or _turns[0] != size:
            _turns = (size, threading.BoundedSemaphore(size))
        return _turns[1]


class RegistrationWriteTurnMiddleware:
    """Right inside the budget's and the CORS middleware (its 503 carries CORS headers, so a
    partner's page can read it), before sessions, CSRF, parsing and the throttle: a write
    waiting for its turn has done no work yet, and nothing competes with the one holding the
    lock but the server's own reading of requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or not REGISTRATION_WRITES.match(request.path):
            return self.get_response(request)
        semaphore = _semaphore()
        seconds = budget_left()
        if semaphore is None or seconds is None or body_too_large(request):
            return self.get_response(request)
        # The body is read before the turn (at most MAX_BODY_BYTES; the view refuses more
        # unread): a client sending it slowly must not hold the process's turn meanwhile.
        request.body  # noqa: B018 - read and kept on the request for the view
        if not semaphore.acquire(timeout=max(seconds, 0.0)):
            return retry_later_response(
                request, OVER_BUDGET_MESSAGE, code="over_budget", retry_after=5
            )
        try:
            return self.get_response(request)
        finally:
            semaphore.release()
