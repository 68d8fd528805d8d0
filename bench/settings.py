"""Settings for the benchmarks: the test settings, a throwaway database, and Wagtail's API v2
mounted (only here) so the events API can be compared with it on the same data."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/videnscenter-bench-2000.sqlite3")
os.environ.setdefault("Q_SYNC", "1")

from cms.settings.test import *  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2"]
ROOT_URLCONF = "bench.urls"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": True}
