"""What a web process loads before its first request, so that the first request is not the one
that pays for it.

Django loads the URLconf, builds the map ``reverse()`` reads, reads the Danish catalog, compiles
the email validator's patterns and opens its first Redis connection on the first request that
needs each. In a freshly started gunicorn worker that first request cost 470 ms of CPU instead
of 12 (``cProfile`` of a sign-up; 50 ms after this), and with registration writes taking turns
(``api/write_turns.py``) every sign-up to the process queued behind it: after each deploy or
worker restart, the first people to sign up waited half a second more. ``cms/gunicorn.conf.py``
calls it once per worker, before ``gc.freeze()`` moves what it loaded out of the collector's
sight. The Redis connection it opens goes into the process's pool, which every thread's cache
uses (``home.cache``).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def web_process_warm_up() -> None:
    """Never fails: what cannot be loaded now (Redis down, say) is the first request's problem,
    as before, and a worker that raised here would stop the whole server (gunicorn's master
    exits when a worker fails to boot)."""
    try:
        _load()
    except Exception:  # noqa: BLE001 - see above
        logger.warning("The web process started without loading everything first.", exc_info=True)
    try:
        from django.core.cache import cache

        cache.get("web-process-warm-up")
    except Exception:  # noqa: BLE001 - Redis may be down while a worker starts
        logger.warning("The shared cache did not answer while the web process started.")


def _load() -> None:
    from django.conf import settings
    from django.core.validators import validate_email
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf and every view module
    resolver.reverse_dict  # noqa: B018 - builds the map reverse() reads, for every namespace
    for namespace in resolver.namespace_dict:
        resolver.namespace_dict[namespace][1].reverse_dict  # noqa: B018
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Navn")
    validate_email("opstart@kommune.example")  # compiles the validators' lazy patterns
