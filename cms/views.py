"""The pages people land on when something is wrong (400, 403, CSRF failure, 404, 500, 503):
Danish, short, saying what happened and where to go. The system is headless, so these are the
only pages besides the registrants' and the admin's.

They are rendered without the request's context processors: an error page must not need the
database, the session or a valid Host header to be shown.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader

from home.views import server_error as _server_answer


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    context = {
        # The strict CSP lets the page's one inline style in by this nonce (cms/csp.py).
        "nonce": str(getattr(request, "csp_nonce", "")),
        "centre_website": settings.CENTRE_WEBSITE,
    }
    response = HttpResponse(loader.get_template(template).render(context), status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. Django has already logged the reason; the person is told what to do."""
    return _error_page(request, "403_csrf.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: ``home.views.server_error`` decides the status (503 for a database that
    cannot be reached, else 500) and answers machines; people get the Danish page."""
    response = _server_answer(request)
    if not response.get("Content-Type", "").startswith("text/html"):
        return response
    page = _error_page(request, f"{response.status_code}.html", response.status_code)
    response.content = page.content
    return response
