"""The web process model production ran before Granian (``cms/serve.py``), kept for the benches
that compare with it: gunicorn's ``gthread`` worker, one process per core with 8 threads,
configured as ``cms/web.py`` readies a Granian worker (the warm-up, the switch interval, the
collector). ``python -m gunicorn -c bench/gunicorn_gthread.py cms.wsgi``.
"""

import gc
import os
import sys

# No access log is configured (gunicorn writes none by default). Should one be
# turned on (``--access-logfile``), its lines pass Django's LOGGING filter on ``gunicorn.access``
# (cms/log_redaction.py), which hides the secret segment of a person's links.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS", "8"))
# gthread: a worker that stops answering its heartbeat this long is replaced; a request's own
# bound is its budget (home/budget.py), well below this.
timeout = int(os.environ.get("WEB_TIMEOUT", "90"))
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
