"""The web server as production runs it (Procfile: ``python -m cms.serve``): Granian.

One process per core, each calling Django from a pool of threads (Granian's WSGI interface):

- A request that waits (on PostgreSQL, Redis) holds a thread, not a process: while one thread
  builds a cold feed, the others answer 304s and cached answers (issue 20). Expensive builds
  take turns per process (``api/capacity.py``) and registration writes take turns too
  (``api/write_turns.py``), so the threads left over are for the cheap answers.
- HTTP is read and written by Granian's Rust side (hyper), outside the interpreter: a slow or
  idle client holds no Python thread, and the CPU a request costs is Django's. gunicorn's
  ``gthread`` worker, which ran the web processes before, parsed every request and wrote every
  response in Python under the interpreter lock the request's own thread needed:
  ``bench/registrations.py`` (200 sign-ups at once for 50 seats, with questions; five rounds in
  turns on one machine) gave 113-147 sign-ups/s, p95 1.25-1.68 s and 7.7-8.2 ms of web CPU per
  sign-up with it, 145-163/s, p95 1.15-1.27 s and 7.1-7.6 ms with this; ``bench/capacity.py``'s
  cheap answers under cold builds 448 req/s at p99 104 ms with it, 563 at 88 ms with this.
- Each worker process loads the application itself (``cms/web.py``): its database pool, Redis
  pool and warm-up are its own, made after the process starts.

Why not an async server for Django: its ORM, Wagtail and DRF are synchronous, so under ASGI
every request would run in a thread pool anyway, with one more hop.

Every value can be set from the environment: WEB_CONCURRENCY (processes, default the cores),
WEB_THREADS (per process, 8), PORT (8000), WEB_HOST (0.0.0.0), WEB_BACKLOG (1024),
WEB_HEADER_TIMEOUT (seconds a client has to send its request's headers, 10),
WEB_ACCESS_LOG (1 to log every request, on ``granian.access``, whose lines pass the filter that
hides a person's secret links: ``cms/log_redaction.py``). The database pool of each process is
sized to its threads and its one deferred build (DB_POOL_SIZE), and every query is bounded by
the longest request budget (DB_STATEMENT_TIMEOUT, milliseconds); see cms/settings/base.py and
home/budget.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

TARGET = "cms.web:application"


@dataclass(frozen=True)
class WebProcessModel:
    workers: int
    threads: int
    host: str
    port: int
    backlog: int
    header_timeout_seconds: int
    access_log: bool
    environment: dict[str, str]  # what every worker process is started with, beyond its own


def _whole(environ: Mapping[str, str], name: str, default: int, *, least: int = 1) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < least:
        raise SystemExit(f"{name} must be a whole number of at least {least}, not {raw!r}")
    return int(raw)


def web_process_model(environ: Mapping[str, str]) -> WebProcessModel:
    """The server's settings from the environment; a value that is not a number stops the
    server with its name, before anything is started."""
    threads = _whole(environ, "WEB_THREADS", 8)
    longest_budget = max(
        float(environ.get("REQUEST_BUDGET_SECONDS", "15")),
        float(environ.get("ADMIN_REQUEST_BUDGET_SECONDS", "60")),
    )
    return WebProcessModel(
        workers=_whole(environ, "WEB_CONCURRENCY", os.cpu_count() or 2),
        threads=threads,
        host=environ.get("WEB_HOST", "0.0.0.0"),  # noqa: S104 - behind the platform's router
        port=_whole(environ, "PORT", 8000),
        backlog=_whole(environ, "WEB_BACKLOG", 1024, least=128),
        header_timeout_seconds=_whole(environ, "WEB_HEADER_TIMEOUT", 10),
        access_log=environ.get("WEB_ACCESS_LOG", "") in ("1", "true", "yes", "on"),
        environment={
            # one connection per thread, and one for the process's deferred builds
            # (api/capacity.py)
            "DB_POOL_SIZE": environ.get("DB_POOL_SIZE") or str(threads + 1),
            "DB_STATEMENT_TIMEOUT": environ.get("DB_STATEMENT_TIMEOUT")
            or str(int(longest_budget * 1000)),
        },
    )


def main() -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    model = web_process_model(os.environ)
    # The workers are started with this environment (cms/settings/base.py reads it).
    os.environ.update(model.environment)
    Granian(
        TARGET,
        address=model.host,
        port=model.port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=model.workers,
        blocking_threads=model.threads,
        backlog=model.backlog,
        http1_settings=HTTP1Settings(header_read_timeout=model.header_timeout_seconds * 1000),
        log_access=model.access_log,
        respawn_failed_workers=True,
        workers_kill_timeout=30,  # a stopping worker's requests get this long to finish
    ).serve()


if __name__ == "__main__":
    main()
