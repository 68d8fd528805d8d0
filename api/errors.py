"""One error shape for the whole API:
``{"detail": ..., "code": ..., "errors": {parameter: [messages]}, "codes": {parameter: [codes]}}``.

What a person reads and what a program reads are apart: ``detail`` and ``errors`` are Danish
sentences a site can show as they are (no parameter syntax, no paths of the API); ``code`` and
``codes`` name the problem for a program (``does_not_exist``, ``required``, ``full`` …), keyed
by the same parameters. Domain errors of the apps (each app has one error type, e.g.
``events.errors.EventsError`` with its Danish messages) are mapped here to their status: 400,
404 or 409.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from home.views import DATABASE_UNAVAILABLE, service_unreachable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


class ErrorSerializer(serializers.Serializer):
    """What every 4xx and 5xx answer of the API looks like."""

    detail = serializers.CharField(
        help_text="A summary in Danish, for people: a site may show it as it is."
    )
    code = serializers.CharField(
        required=False,
        help_text="For programs: what went wrong, e.g. `invalid`, `full`, `closed`.",
    )
    # The metaclass takes declared fields off the class, so this does not hide ``errors``.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Danish messages for people per offending parameter or field, keyed by its name.",
    )
    codes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For programs: the code of each message in `errors`, under the same keys and "
        "in the same order (e.g. `does_not_exist` for an unknown municipality code).",
    )


class ParameterError(exceptions.ValidationError):
    """A query parameter with a value the API cannot use."""

    def __init__(self, parameter: str, message: StrOrPromise, code: str = "invalid"):
        super().__init__({parameter: [message]}, code=code)


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Ikke fundet."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError):
        # A number in the query beyond what the database can compare (SQLite: 64 bits).
        exc = exceptions.ValidationError(
            {"query": [_("Et tal i forespørgslen er uden for det gyldige område.")]}
        )
    elif service_unreachable(exc):
        # The database or Redis (the cache, the throttle's counters, the broker) is away.
        logger.exception("A service is unavailable while answering an API request")
        return Response(
            {
                "code": "service_unavailable",
                "detail": str(_("Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt.")),
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "30"},
        )
    elif isinstance(exc, DATABASE_UNAVAILABLE):
        # A query the database refused is a bug, not an outage: a 500, logged.
        logger.exception("Database error while answering an API request")
        return Response(
            {"detail": str(_("Der opstod en fejl på serveren. Fejlen er registreret."))},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    domain = _domain_error(exc)
    if domain is not None:
        return domain
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(_("Ugyldig forespørgsel.")),
            "code": "invalid",
            "errors": _flatten(exc.detail),
            "codes": _flatten(exc.get_codes()),
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def _domain_error(exc) -> Response | None:
    """Map the apps' own error types (``http_status``, ``message``, optional ``field`` or
    ``errors`` per field) to 400, 404 or 409."""
    code = getattr(exc, "http_status", None)
    if code is None or not hasattr(exc, "message"):
        return None
    body: dict[str, object] = {"detail": str(exc.message)}
    name = getattr(exc, "code", None)
    if isinstance(name, str):
        body["code"] = name
    errors: dict[str, list[str]] | None = None
    if getattr(exc, "errors", None):
        errors = exc.errors
    elif getattr(exc, "field", None):
        errors = {exc.field: [str(exc.message)]}
    if errors:
        body["errors"] = errors
        if isinstance(name, str):
            body["codes"] = {key: [name] * len(messages) for key, messages in errors.items()}
    return Response(body, status=code)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any path under /api/v1/ that names nothing, for any method."""
    return JsonResponse({"detail": str(_("Ikke fundet."))}, status=404)
