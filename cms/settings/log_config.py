"""Logging for every process: web, workers, commands (``cms/settings/base.py`` imports it)."""

import os

# The secret segment of a person's links (``/evaluering/<token>/`` …) never goes to the log:
# the loggers that write request paths, and the console handler for anything else, filter it
# out (cms/log_redaction.py). A logger's own filter sees only what is logged on it, so each of
# Django's path-writing loggers has it.
_TOKEN_PATHS_HIDDEN = {"filters": ["token_paths"]}
_SERVER = {
    "handlers": ["console"],
    "level": os.environ.get("LOG_LEVEL", "INFO"),
    "propagate": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"token_paths": {"()": "cms.log_redaction.TokenPathFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["token_paths"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": _TOKEN_PATHS_HIDDEN,
        "django.security.csrf": _TOKEN_PATHS_HIDDEN,
        "django.security.DisallowedHost": _TOKEN_PATHS_HIDDEN,
        "django.server": _TOKEN_PATHS_HIDDEN,
        "home.budget": _TOKEN_PATHS_HIDDEN,
        # gunicorn's (cms/gunicorn.conf.py): configured here, Django's configuration would take
        # away the handlers gunicorn gave them; their lines go through the filter.
        "gunicorn.error": {**_SERVER, "filters": ["token_paths"]},
        "gunicorn.access": {**_SERVER, "filters": ["token_paths"]},
        "django.db.backends": {"level": "INFO"},
        # One line per indexing task and page action is noise in a worker's log.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
