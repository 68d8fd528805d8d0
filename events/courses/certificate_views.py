"""The certificate's public pages: the person's own (``/kursusbevis/<token>/`` and its PDF),
reached from their email, and the verification anyone may open (``/bevis/<code>/``).

A token or code that is no certificate's gets a Danish 404 that names nothing. The person's
page is theirs alone (the token is unguessable and never leaves their email); the verification
page shows what the certificate states, the name only until retention has removed it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from events.courses.certificate_pdf import certificate_pdf, danish_date
from events.courses.certificates import verification_url
from events.models import Certificate
from events.models.certificates import CODE_ALPHABET, CODE_LENGTH

MAX_TOKEN_LENGTH = 64
_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


def _answer(response: HttpResponse) -> HttpResponse:
    for header, value in _HEADERS.items():
        response[header] = value
    return response


def _unknown(request: HttpRequest, what: str) -> HttpResponse:
    return _answer(render(request, "events/certificates/unknown.html", {"what": what}, status=404))


def _by_token(token: str) -> Certificate | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return Certificate.objects.filter(token=token, anonymised_at__isnull=True).first()


def normalise_code(code: str) -> str | None:
    """What a person may type: any case, with spaces or hyphens; None for no code of ours."""
    code = code.replace("-", "").replace(" ", "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


@require_http_methods(["GET", "HEAD"])
def certificate_page(request: HttpRequest, token: str) -> HttpResponse:
    certificate = _by_token(token)
    if certificate is None:
        return _unknown(request, "link")
    context = {
        "certificate": certificate,
        "issued": danish_date(certificate.issued_at),
        "verification_url": verification_url(certificate),
    }
    return _answer(render(request, "events/certificates/certificate.html", context))


@require_http_methods(["GET", "HEAD"])
def certificate_download(request: HttpRequest, token: str) -> HttpResponse:
    certificate = _by_token(token)
    if certificate is None:
        return _unknown(request, "link")
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    name = slugify(f"kursusbevis-{certificate.course_title}")[:80] or "kursusbevis"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return _answer(response)


@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    normalised = normalise_code(code)
    certificate = (
        Certificate.objects.filter(code=normalised).first() if normalised is not None else None
    )
    if certificate is None:
        return _unknown(request, "code")
    sessions = certificate.sessions
    context = {
        "certificate": certificate,
        "issued": danish_date(certificate.issued_at),
        "first": sessions[0]["when"] if sessions else "",
        "last": sessions[-1]["when"] if len(sessions) > 1 else "",
    }
    return _answer(render(request, "events/certificates/verify.html", context))


certificate_patterns = (
    [
        path("<str:token>/", certificate_page, name="certificate"),
        path("<str:token>/kursusbevis.pdf", certificate_download, name="pdf"),
    ],
    "certificates",
)
verification_patterns = ([path("<str:code>/", verify, name="verify")], "verification")
