"""The web server's application (``cms/serve.py`` loads ``cms.web:application``), loaded once in
each worker process, after it starts: the process is readied here before its first request.

- The interpreter's switch interval is shortened, so a cheap request waiting for the
  interpreter lock gets its turn after 1 ms, not 5 ms, of a build (a handful of handovers per
  request).
- Django, Wagtail and the URLconf are loaded and the first Redis connection opened
  (``cms/warm_up.py``), then moved out of the collector's sight, and the youngest generation is
  collected less often. A cold list of 100 events allocates tens of thousands of short-lived
  objects; this took its CPU from 127 to 90 ms (``bench/capacity.py`` measures the whole).
"""

from __future__ import annotations

import gc
import os
import sys

from django.core.handlers.wsgi import WSGIHandler


def _process_ready() -> WSGIHandler:
    sys.setswitchinterval(float(os.environ.get("WEB_SWITCH_INTERVAL", "0.001")))
    from cms.warm_up import web_process_warm_up
    from cms.wsgi import application as wsgi_application

    web_process_warm_up()
    gc.collect()  # the warm-up's garbage goes now, not into the frozen generation
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return wsgi_application


application = _process_ready()
