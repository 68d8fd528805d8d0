"""The web process model for production (Procfile: ``gunicorn -c cms/gunicorn.conf.py cms.wsgi``).

One process per core, each with a pool of threads (gunicorn's ``gthread`` worker):

- A request that waits (on PostgreSQL, Redis, a client) holds a thread, not a process: while
  one thread builds a cold feed, the others answer 304s and cached answers. With sync workers
  (one request per process), four slow builds took every process and a 1 ms revalidation
  waited behind them for up to seconds (issue 20's figures, ``bench/capacity.py``).
- Expensive builds take turns per process (``api/capacity.py``), so the threads left over are
  for the cheap answers, and what cannot be built soon is shed with a 503 and Retry-After.
- CPU-bound Python holds the GIL; the switch interval is shortened so a cheap request waiting
  for it gets its turn after 1 ms, not 5 ms, of a build (a handful of handovers per request).

Why not an async server: Django's ORM, Wagtail and DRF are synchronous, so under ASGI every
request would run in a thread pool anyway, with one more hop.

Every value can be set from the environment: WEB_CONCURRENCY (processes), WEB_THREADS,
WEB_CONNECTIONS (per process), WEB_TIMEOUT. The database pool of each process is sized to its
threads and its one deferred build (DB_POOL_SIZE), and every query is bounded by the longest
request budget (DB_STATEMENT_TIMEOUT, milliseconds); see cms/settings/base.py and
home/budget.py.
"""

import gc
import os
import sys
from pathlib import Path

# gunicorn reads this file before it changes to ``--chdir``: the project must be importable
# from wherever it is started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cms.env import env_bool  # noqa: E402

# WEB_ACCESS_LOG=1: a line per request, on the ``gunicorn.access`` logger, which Django's LOGGING
# gives the console handler and the filter that hides the secret segment of a person's links
# (cms/log_redaction.py, cms/settings/log_config.py). Off by default.
accesslog = "-" if env_bool("WEB_ACCESS_LOG") else None
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS", "8"))
# gthread: a worker that stops answering its heartbeat this long is replaced; a request's own
# bound is its budget (home/budget.py), well below this.
timeout = int(os.environ.get("WEB_TIMEOUT", "90"))
# How many connections a process takes from the listening socket: its threads' and as many kept
# alive. With gunicorn's default (1,000), a process accepts whatever reaches it first and queues
# it for its own threads: of 200 sign-ups at once, one process could take twice the other's
# share and finish alone (0.36 against 0.63 s of CPU). Capped, a process queues at most a
# thread's worth of its own and the rest stays in the kernel's queue for whichever process frees
# a thread first (0.47 against 0.47 s; bench/registrations.py, medians 210 against 219 sign-ups/s
# in turns). Idle connections count too, so the processes sit behind a proxy that sends a
# request only once it has it whole (README, "The web process model").
worker_connections = int(os.environ.get("WEB_CONNECTIONS", "") or threads * 2)
if worker_connections <= threads:
    # gunicorn would take no connection at 0, and keep none alive up to the threads
    raise ValueError(f"WEB_CONNECTIONS must be more than WEB_THREADS ({threads})")
graceful_timeout = 30
keepalive = 5

_longest_budget = max(
    float(os.environ.get("REQUEST_BUDGET_SECONDS", "15")),
    float(os.environ.get("ADMIN_REQUEST_BUDGET_SECONDS", "60")),
)
raw_env = [
    # one connection per thread, and one for the process's deferred builds (api/capacity.py)
    f"DB_POOL_SIZE={os.environ.get('DB_POOL_SIZE', threads + 1)}",
    f"DB_STATEMENT_TIMEOUT={os.environ.get('DB_STATEMENT_TIMEOUT', int(_longest_budget * 1000))}",
]


def post_fork(server, worker):
    sys.setswitchinterval(float(os.environ.get("WEB_SWITCH_INTERVAL", "0.001")))


def post_worker_init(worker):
    from cms.warm_up import web_process_warm_up

    web_process_warm_up()
    # Django, Wagtail and the URLconf are loaded: move them out of the collector's sight, and
    # collect the youngest generation less often. A cold list of 100 events allocates tens of
    # thousands of short-lived objects; this took its CPU from 127 to 90 ms (bench/capacity.py
    # measures the whole).
    gc.collect()  # the warm-up's garbage goes now, not into the frozen generation
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
