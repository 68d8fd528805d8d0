"""The project's URLs and handlers, plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from cms.urls import handler400, handler403, handler404, handler500  # noqa: F401
from cms.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied("not yours")


def suspicious(request):
    raise SuspiciousOperation("tampered")


def broken(request):
    raise ValueError("db-secret-host")


def database_down(request):
    raise OperationalError("connection refused: db-secret-host")


urlpatterns = [
    path("fejl/403/", forbidden),
    path("fejl/400/", suspicious),
    path("fejl/500/", broken),
    path("fejl/503/", database_down),
    *project_urlpatterns,
]
