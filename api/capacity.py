"""Expensive builds take turns, so cheap answers never wait behind them.

A cold filtered feed or list costs hundreds of milliseconds of CPU; a 304 or an answer from the
shared cache costs one. With threads in every web process (``cms/gunicorn.conf.py``) the cheap
ones run beside the builds; what must not happen is that builds take every core. So:

- **Bounded concurrency.** Only ``EXPENSIVE_BUILDS_PER_PROCESS`` builds of an expensive path
  (``EXPENSIVE_PATHS``: the lists and the combined feed, whose cost grows with the catalogue)
  run at once in a process, and ``EXPENSIVE_BUILDS_PER_MACHINE`` (half the cores) on the
  machine; the others wait their turn, at most ``EXPENSIVE_BUILD_WAIT_SECONDS``.
- **One build per answer.** A build first looks in the shared cache again (another thread or
  process may have built the same answer while this one waited), then claims the answer's ETag
  in the shared cache; a request for an answer another process is building waits for it
  instead of building it too. Four clients asking for the same cold feed cost one build.
- **Load shedding.** A request that would wait longer, or find more than
  ``EXPENSIVE_BUILD_QUEUE`` others already waiting, is answered at once with 503 and
  ``Retry-After`` (never stored by a cache). Only expensive builds are ever shed: a 304, a
  cached answer, a detail answer, a sign-up never enter here.

The gate is per process on purpose: a process's CPU share is what the builds compete for, and
adding web processes or machines adds build slots with them. Which answer is built where is
shared through the cache, so several processes on several machines still build an answer once.
"""

from __future__ import annotations

import fcntl
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse

from home.budget import budget, retry_later_response
from home.cache import delete_if_held, touch_if_held

logger = logging.getLogger(__name__)

SHED_MESSAGE = "Der er travlt lige nu. Prøv igen om lidt."
# Builds waiting for the process's background thread (grace answers, api/caching.py); more
# are not queued: their requests get the previous answer, and a later request builds.
DEFERRED_BUILDS = 8
POLL_SECONDS = 0.05
MACHINE_POLL_SECONDS = 0.01


class _Gate:
    def __init__(self, slots: int, queue: int):
        self.slots = slots
        self.queue = queue
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self.waiting = 0

    def enter_waiting(self) -> bool:
        with self._lock:
            if self.waiting >= self.queue:
                return False
            self.waiting += 1
            return True

    def leave_waiting(self) -> None:
        with self._lock:
            self.waiting -= 1

    def acquire(self, wait: float) -> bool:
        if not self.enter_waiting():
            return False
        try:
            return self._semaphore.acquire(timeout=wait)
        finally:
            self.leave_waiting()

    def release(self) -> None:
        self._semaphore.release()


class _MachineSlot:
    """One of the machine's ``EXPENSIVE_BUILDS_PER_MACHINE`` build slots: an exclusive
    ``flock`` on one of as many files in ``BUILD_SLOTS_DIR``, shared by every web process of
    the machine (a lock dies with its process, so a killed worker frees its slot). Per
    machine, because what the builds must not take is the machine's cores: with one slot per
    process, two processes on two cores could build on both cores at once and leave nothing for
    the cheap answers."""

    def __init__(self) -> None:
        self._file: Any = None

    def acquire(self, until: float) -> bool:
        slots = int(settings.EXPENSIVE_BUILDS_PER_MACHINE)
        if slots <= 0:
            return True
        directory = Path(settings.BUILD_SLOTS_DIR)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # A machine without a writable BUILD_SLOTS_DIR keeps the per-process bound only;
            # a build is never refused for it.
            logger.warning("no build slots in %s: %s", directory, exc)
            return True
        while True:
            for number in range(slots):
                try:
                    handle = open(directory / f"slot-{number}", "a")  # noqa: SIM115 - held until release
                except OSError as exc:
                    logger.warning("no build slot file in %s: %s", directory, exc)
                    return True
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()
                    continue
                self._file = handle
                return True
            if time.monotonic() >= until:
                return False
            time.sleep(MACHINE_POLL_SECONDS)

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


_gate: _Gate | None = None
_gate_lock = threading.Lock()


def _current_gate() -> _Gate:
    """The process's gate, made anew if the settings changed (tests override them)."""
    global _gate
    slots = int(settings.EXPENSIVE_BUILDS_PER_PROCESS)
    queue = int(settings.EXPENSIVE_BUILD_QUEUE)
    with _gate_lock:
        if _gate is None or (_gate.slots, _gate.queue) != (slots, queue):
            _gate = _Gate(slots, queue)
        return _gate


def is_expensive(path: str) -> bool:
    return path in settings.EXPENSIVE_PATHS


def shed_response(request: HttpRequest) -> HttpResponse:
    return retry_later_response(
        request, SHED_MESSAGE, code="overloaded", retry_after=settings.SHED_RETRY_AFTER_SECONDS
    )


class _Claim:
    """A claim on building one answer, in the shared cache under ``name``: its value is this
    claimant's own token, so only its owner gives it up, even after it expired and another
    claimed it meanwhile. ``owned``: True, this request builds; False, another does; None,
    the shared cache does not answer, so there is no single flight (and no reason to fail)."""

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.token = secrets.token_hex(8)
        try:
            self.owned: bool | None = bool(cache.add(name, self.token, timeout=int(seconds) + 1))
        except Exception:  # noqa: BLE001 - any cache outage: build without single flight
            logger.warning("no single flight for %s: the shared cache does not answer", name)
            self.owned = None

    def again(self, seconds: float) -> None:
        """Try once more, after the owner gave it up."""
        self.__init__(self.name, seconds)  # type: ignore[misc]

    def extend(self, seconds: float) -> None:
        try:
            touch_if_held(self.name, self.token, timeout=int(seconds) + 1)
        except Exception:  # noqa: BLE001 - the claim times out by itself
            logger.warning("could not extend %s: the shared cache does not answer", self.name)

    def give_up(self) -> None:
        if not self.owned:
            return
        try:
            delete_if_held(self.name, self.token)
        except Exception:  # noqa: BLE001 - the claim times out by itself
            logger.warning("could not give up %s: the shared cache does not answer", self.name)


def _wait_for(key: str, claim: str, until: float) -> Any:
    """The answer another thread or process is building, once it is in the shared cache;
    None when its builder gave up the claim without one (an error answer, which is not
    cached: this request builds its own) or the time is up."""
    try:
        while time.monotonic() < until:
            time.sleep(POLL_SECONDS)
            entry = cache.get(key)
            if entry is not None:
                return entry
            if cache.get(claim) is None:
                return None
    except Exception:  # noqa: BLE001 - a cache outage: build it here
        return None
    return None


def _build_turn(
    request: HttpRequest,
    key: str,
    cached: Callable[[str], Any],
    build: Callable[[], HttpResponse],
    until: float,
    shed: Callable[[], HttpResponse],
) -> tuple[Any, HttpResponse | None]:
    """Wait for a slot of the process and of the machine until ``until`` (a moment of
    ``time.monotonic``), then build (unless another built it meanwhile)."""
    gate = _current_gate()
    if not gate.acquire(max(0.0, until - time.monotonic())):
        return None, shed()
    try:
        machine = _MachineSlot()
        if not machine.acquire(until):
            return None, shed()
        try:
            entry = cached(key)
            if entry is not None:
                return entry, None
            with budget(float(settings.EXPENSIVE_BUILD_BUDGET_SECONDS)):
                return None, build()
        finally:
            machine.release()
    finally:
        gate.release()


_deferred: queue.Queue | None = None
_deferred_thread: threading.Thread | None = None
_deferred_lock = threading.Lock()


def _deferred_run(jobs: queue.Queue) -> None:
    while True:
        job, claim = jobs.get()
        try:
            wait = float(settings.EXPENSIVE_BUILD_WAIT_SECONDS)
            seconds = float(settings.EXPENSIVE_BUILD_BUDGET_SECONDS)
            claim.extend(wait + seconds)  # it may have waited in the queue
            _in_turn(job, time.monotonic() + wait)
        except Exception:
            logger.exception("deferred build failed")
        finally:
            try:
                claim.give_up()
                connections.close_all()  # this thread's own connections, back to the pool
            except Exception:
                logger.exception("deferred build: could not tidy up")
            finally:
                jobs.task_done()  # nothing above may end this thread


def _in_turn(job: Callable[[], Any], until: float) -> None:
    gate = _current_gate()
    if not gate.acquire(max(0.0, until - time.monotonic())):
        return
    try:
        machine = _MachineSlot()
        if not machine.acquire(until):
            return
        try:
            with budget(float(settings.EXPENSIVE_BUILD_BUDGET_SECONDS)):
                job()
        finally:
            machine.release()
    finally:
        gate.release()


def _build_later(job: Callable[[], Any], claim: _Claim) -> bool:
    """Build in the process's background thread, after the request has been answered (with
    the answer this one replaces): its client does not wait for the slot or the build. One
    thread per process, so deferred builds take turns like the others; at most
    ``DEFERRED_BUILDS`` wait (False when the queue is full: nobody builds it now). The claim is
    held until the build is done, so other requests meanwhile get the previous answer too. A
    daemon thread: a process that stops does not wait for the queue."""
    global _deferred, _deferred_thread
    with _deferred_lock:
        if _deferred is None:  # made after gunicorn forks: threads do not survive a fork
            _deferred = queue.Queue(maxsize=DEFERRED_BUILDS)
        if _deferred_thread is None or not _deferred_thread.is_alive():
            _deferred_thread = threading.Thread(
                target=_deferred_run, args=(_deferred,), name="deferred-build", daemon=True
            )
            _deferred_thread.start()
    try:
        _deferred.put_nowait((job, claim))
    except queue.Full:
        return False
    return True


def deferred_builds_done() -> None:
    """Wait until the background thread has built what was handed to it (tests)."""
    if _deferred is not None:
        _deferred.join()


def build_in_turn(
    request: HttpRequest,
    key: str,
    cached: Callable[[str], Any],
    build: Callable[[], HttpResponse],
    previous: Callable[[], HttpResponse | None] = lambda: None,
    later: Callable[[], Any] | None = None,
) -> tuple[Any, HttpResponse | None]:
    """Build an expensive answer when its turn comes. Returns ``(entry, None)`` when another
    thread or process built it meanwhile (``cached(key)`` found it), ``(None, response)`` with
    the built (or shed) response otherwise. A request waiting for another's build counts as
    waiting, like one waiting for a slot; only the claim's owner gives it up.

    ``previous`` is the answer this one replaces, if it may stand in for it (api/caching.py).
    When it may, nobody waits: the request that claims the build builds at once if a slot is
    free, else gets the previous answer and ``later`` (a build from a fresh request) runs in
    the background (``_build_later``); the others get it while that build runs; and it goes
    out instead of a 503. A "grace" answer, as a CDN's stale-while-revalidate."""
    wait = float(settings.EXPENSIVE_BUILD_WAIT_SECONDS)
    seconds = float(settings.EXPENSIVE_BUILD_BUDGET_SECONDS)
    started = time.monotonic()
    gate = _current_gate()
    claim = _Claim(f"{key}:building", wait + seconds)

    def shed() -> HttpResponse:
        return previous() or shed_response(request)

    if claim.owned is False:
        # Another thread or process is building this answer: the answer it replaces goes out
        # if it may; else wait for the new one, not for a turn.
        if (grace := previous()) is not None:
            return None, grace
        if not gate.enter_waiting():
            return None, shed_response(request)
        try:
            entry = _wait_for(key, claim.name, started + wait)
        finally:
            gate.leave_waiting()
        if entry is not None:
            return entry, None
        claim.again(seconds)
    handed_over = False  # to the background thread, which gives the claim up
    try:
        if claim.owned and (grace := previous()) is not None:
            # A free slot now: build now, and the client gets the new answer. Else later.
            busy = HttpResponse(status=503)
            entry, built = _build_turn(request, key, cached, build, time.monotonic(), lambda: busy)
            if built is not busy:
                return entry, built
            handed_over = later is not None and _build_later(later, claim)
            return None, grace
        return _build_turn(request, key, cached, build, started + wait, shed)
    finally:
        if not handed_over:
            claim.give_up()
