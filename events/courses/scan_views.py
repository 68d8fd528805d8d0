"""Where a confirmation's QR code leads: ``/indtjekning/<token>/``.

A moderator of the event's partner (or a coordinator), logged in on their phone, sees the
person and confirms their presence with one POST. Anyone else gets the same Danish page and
nothing more: logged out, 403 with a way to log in; another partner's moderator or an editor,
403; a token that is no code of ours, 404. None of them learns a name, an event's title or
whether the code is real beyond the 404. The QR image itself (``qr.png``) holds only the URL
its requester already has. No JavaScript.
"""

from __future__ import annotations

from io import BytesIO

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from events.courses.selectors import session_policy
from events.courses.services import attendance_set, session_open_for_check_in
from events.courses.tokens import Person, person_for_key, person_key
from events.errors import EventsError
from events.mail.compose import format_when
from events.models import AttendanceStatus, EventSession, SessionAttendance, SessionStatus

_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
NOTHING_HERE = "Koden kan ikke bruges her."
ONLY_MODERATORS = (
    "Siden er kun for arrangørens moderatorer, som tjekker deltagere ind med koden. Er du "
    "deltager, så vis QR-koden fra din bekræftelse, når du møder op."
)


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "events/checkin/scan.html", context, status=status)
    for name, value in _HEADERS.items():
        response[name] = value
    return response


def _refused(request: HttpRequest, *, status: int, message: str, login: bool = False):
    return _page(request, {"message": message, "login": login}, status=status)


def _sessions(person: Person) -> list[EventSession]:
    now = timezone.now()
    sessions = [
        s
        for s in EventSession.objects.filter(event_id=person.registration.event_id).order_by(
            "sort_order", "pk"
        )
        if s.status != SessionStatus.CANCELLED and session_open_for_check_in(s, now)
    ]
    return sorted(sessions, key=lambda s: (s.starts_at() or now, s.pk))


def _default_session(sessions: list[EventSession]) -> EventSession | None:
    """The latest of those that begin today or began before: the one at the door."""
    return sessions[-1] if sessions else None


@require_http_methods(["GET", "HEAD", "POST"])
def scan(request: HttpRequest, token: str) -> HttpResponse:
    key = person_key(token)
    person = person_for_key(key) if key else None
    if person is None:
        return _refused(request, status=404, message=NOTHING_HERE)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return _refused(request, status=403, message=ONLY_MODERATORS, login=True)
        if request.GET.get("login") == "1":
            return redirect_to_login(request.path, reverse("wagtailadmin_login"))
        return _refused(request, status=403, message=ONLY_MODERATORS, login=True)
    event = person.registration.event
    if (
        not session_policy.instances_user_has_permission_for(request.user, "attend")
        .filter(event_id=event.pk)
        .exists()
    ):
        return _refused(request, status=403, message=ONLY_MODERATORS)
    sessions = _sessions(person)
    chosen = _default_session(sessions)
    error = ""
    status = 200
    wanted = request.POST.get("session") if request.method == "POST" else request.GET.get("session")
    if wanted is not None:
        chosen = next((s for s in sessions if str(s.pk) == wanted), None)
        if chosen is None:
            error, status = "Session: vælg en af arrangementets sessioner fra i dag eller før.", 400
    if request.method == "POST" and not error:
        assert chosen is not None
        try:
            attendance_set(
                session=chosen,
                registration=person.registration,
                member=person.member,
                status=AttendanceStatus.PRESENT,
                by=request.user,
            )
        except EventsError as failure:
            error, status = str(failure.message), failure.http_status
        else:
            return redirect(f"{request.path}?session={chosen.pk}&ok=1")
    record = (
        SessionAttendance.objects.filter(
            session=chosen, registration=person.registration, member=person.member
        ).first()
        if chosen
        else None
    )
    context = {
        "person": person,
        "event": event,
        "municipality": person.registration.municipality.name,
        "confirmed": person.registration.status == "confirmed",
        "sessions": [{"session": s, "when": format_when(s)} for s in sessions],
        "chosen": chosen,
        "record": record,
        "ok": request.GET.get("ok") == "1" and record is not None,
        "error": error,
        "checkin_url": reverse("checkin:session", args=[chosen.pk]) if chosen else "",
    }
    return _page(request, context, status=status)


@require_http_methods(["GET", "HEAD"])
def qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code of the check-in URL, for the confirmation's HTML (an image by URL, which
    every mail client shows; it holds the URL the requester already has, nothing more)."""
    key = person_key(token)
    if key is None:
        return HttpResponse(
            "Koden findes ikke.", status=404, content_type="text/plain; charset=utf-8"
        )
    url = settings.BASE_URL + reverse("checkin_scan:scan", args=[token])
    image = segno.make(url, error="m")
    buffer = BytesIO()
    image.save(buffer, kind="png", scale=6, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response
