"""The check-in in the admin, made for a phone: a moderator picks a session, searches by name
or municipality and taps each person present; the printable sign-in list beside it.

Only the moderators of the event's partner (and the coordinators) reach a session: any other
session id is a 404 that names nothing. A tap is a POST that *sets* a status, so a tap sent
twice (a phone retrying on a bad connection) records it once; the answer redirects back to the
list (POST, redirect, GET), so reloading the page sends nothing again. No JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem

from events.courses.selectors import (
    MAX_QUERY_LENGTH,
    checkin_sessions,
    checkin_sessions_of,
    session_attendees,
    session_count,
    session_policy,
)
from events.courses.services import attendance_set, session_ended, session_open_for_check_in
from events.courses.signin_sheet import signin_sheet_pdf
from events.courses.tokens import person_for_key
from events.errors import EventsError
from events.mail.compose import format_when
from events.models import AttendanceStatus, EventSession, SessionStatus

MAX_ID = 2**63 - 1


class BadParameter(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return TemplateResponse(
        request, "events/admin/checkin_error.html", {"message": message}, status=400
    )


def _refused(request: HttpRequest) -> HttpResponse | None:
    """A 403 in Danish for anyone who moderates no partner's events (Wagtail would turn a
    ``PermissionDenied`` into a redirect to the dashboard)."""
    if session_policy.user_has_permission(request.user, "attend"):
        return None
    message = _("Kun arrangørens moderatorer kan registrere fremmøde.")
    return TemplateResponse(
        request, "events/admin/checkin_error.html", {"message": message}, status=403
    )


def _session(request: HttpRequest, session_id: int) -> EventSession:
    if session_id > MAX_ID:
        raise Http404
    return get_object_or_404(
        checkin_sessions_of(request.user).select_related("event"), pk=session_id
    )


def _query(request: HttpRequest) -> str:
    values = request.GET.getlist("q") if request.method != "POST" else request.POST.getlist("q")
    if len(values) > 1:
        raise BadParameter(str(_("Søgning (q): angiv højst én søgning.")))
    query = values[0] if values else ""
    if len(query) > MAX_QUERY_LENGTH:
        raise BadParameter(
            str(_("Søgning (q): højst %(limit)s tegn.") % {"limit": MAX_QUERY_LENGTH})
        )
    if "\x00" in query:
        raise BadParameter(str(_("Søgning (q): søgningen indeholder et ugyldigt tegn.")))
    return query


def _one(post, name: str, label: str) -> str:
    values = post.getlist(name)
    if len(values) != 1 or not values[0] or len(values[0]) > 40:
        raise BadParameter(
            str(
                _("%(label)s (%(name)s): mangler eller er ugyldig.")
                % {"label": label, "name": name}
            )
        )
    return values[0]


@require_http_methods(["GET", "HEAD"])
def checkin_index(request: HttpRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    now = timezone.now()
    rows = [
        {
            "session": session,
            "when": format_when(session),
            "cancelled": session.status == SessionStatus.CANCELLED,
            "today": session_open_for_check_in(session, now) and not session_ended(session, now),
        }
        for session in checkin_sessions(request.user, now=now)
    ]
    return TemplateResponse(request, "events/admin/checkin_index.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_session(request: HttpRequest, session_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    session = _session(request, session_id)
    try:
        query = _query(request)
        if request.method == "POST":
            return _record(request, session, query)
    except BadParameter as error:
        return _bad_request(request, error.message)
    attendees = session_attendees(session, query=query)
    count = session_count(session)
    context = {
        "session": session,
        "event": session.event,
        "when": format_when(session),
        "query": query,
        "attendees": attendees,
        "count": count,
        "statuses": AttendanceStatus,
        "cancelled": session.status == SessionStatus.CANCELLED,
    }
    return TemplateResponse(request, "events/admin/checkin_session.html", context)


def _record(request: HttpRequest, session: EventSession, query: str) -> HttpResponse:
    key = _one(request.POST, "person", str(_("Person")))
    status = _one(request.POST, "status", str(_("Fremmøde")))
    if status not in AttendanceStatus.values:
        raise BadParameter(
            str(_("Fremmøde (status): vælg til stede, fraværende eller meldt afbud."))
        )
    person = person_for_key(key)
    if person is None or person.registration.event_id != session.event_id:
        raise BadParameter(str(_("Person (person): personen er ikke tilmeldt denne session.")))
    try:
        recorded = attendance_set(
            session=session,
            registration=person.registration,
            member=person.member,
            status=status,
            by=request.user,
        )
    except EventsError as error:
        response = TemplateResponse(
            request,
            "events/admin/checkin_error.html",
            {"message": error.message, "back": _session_url(session, query)},
            status=error.http_status,
        )
        return response
    said = {
        "name": person.name or _("(anonymiseret)"),
        "status": str(AttendanceStatus(status).label).lower(),
    }
    if recorded.changed:
        messages.success(request, _("%(name)s: %(status)s.") % said)
    else:
        messages.info(request, _("%(name)s var allerede registreret: %(status)s.") % said)
    return redirect(_session_url(session, query) + f"#p-{person.key}", permanent=False)


def _session_url(session: EventSession, query: str) -> str:
    url = reverse("checkin:session", args=[session.pk])
    return url + ("?" + urlencode({"q": query}) if query else "")


@require_http_methods(["GET", "HEAD"])
def signin_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    session = _session(request, session_id)
    pdf = signin_sheet_pdf(session=session, attendees=session_attendees(session))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"deltagerliste-{session.event.title}-{session.pk}")[:80] or "deltagerliste"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def urlpatterns() -> list:
    return [
        path("checkin/", checkin_index, name="index"),
        path("checkin/<int:session_id>/", checkin_session, name="session"),
        path("checkin/<int:session_id>/deltagerliste.pdf", signin_sheet, name="signin_sheet"),
    ]


class CheckinMenuItem(MenuItem):
    def is_shown(self, request):
        return session_policy.user_has_permission(request.user, "attend")


def menu_item() -> MenuItem:
    return CheckinMenuItem(_("Indtjekning"), reverse("checkin:index"), icon_name="tasks", order=250)
