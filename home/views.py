"""Operational views of the whole system."""

import sys

import redis
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_q.brokers import get_broker

from home.database import database_unreachable


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "unreachable" for a liveness probe
        return False
    return True


def _broker_ok() -> bool:
    try:
        return bool(get_broker().ping())
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the database and the task broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


# The database errors that may mean an outage; database_unreachable tells which of them do.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Connections that failed, to Redis (the shared cache, the throttle's counters, the task
# broker) or any other service: try again. redis-py's own are not the builtin ones.
CONNECTION_FAILED = (
    ConnectionError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


# redis-py counts a refused password among its connection errors: that is a setting to fix,
# not an outage to wait out, so it stays a 500 (and is logged as one).
REDIS_REFUSED = (
    redis.exceptions.AuthenticationError,
    redis.exceptions.AuthorizationError,
    redis.exceptions.ExternalAuthProviderError,
)


def service_unreachable(exc: BaseException) -> bool:
    """True for an outage that a retry later may cure (503 with Retry-After): the database, Redis
    or another connection could not be reached or timed out. A query the database refused, or
    a Redis that refused the password, is a bug, and not one of them."""
    if isinstance(exc, REDIS_REFUSED):
        return False
    return database_unreachable(exc) or isinstance(exc, CONNECTION_FAILED)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database or Redis that does not answer is a 503 (try again), not a 500.

    Django calls this inside its ``except`` block, so the exception is at hand. Nothing of it
    reaches the client: no stack trace, no message from the database.
    """
    exc = sys.exc_info()[1]
    # Only a database or Redis that cannot be reached is "try again": a query the database
    # refused is a bug and stays a 500, as in the API (api/errors.py).
    unavailable = exc is not None and service_unreachable(exc)
    status = 503 if unavailable else 500
    message = (
        "Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt."
        if unavailable
        else "Der opstod en fejl på serveren. Fejlen er registreret."
    )
    code = "service_unavailable" if unavailable else "server_error"
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"code": code, "detail": message}, status=status)
    elif request.path.startswith("/feeds/"):
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    else:
        html = (
            '<!doctype html><html lang="da"><head><meta charset="utf-8">'
            f"<title>{status}</title></head><body><main><h1>{message}</h1></main></body></html>"
        )
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
