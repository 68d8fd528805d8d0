"""Each session's meeting on Zoom or Teams, per event, in the admin: its state, the platform's
message when it failed, the attempts and the next one, and "Prøv igen" (a POST, CSRF-checked,
answered with a redirect). The partner's editors and moderators (and the coordinators) see
their events; any other event id is a 404 that names nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem

from events.mail.compose import format_when
from events.models import MeetingState, SessionMeeting
from events.webinars.selectors import event_meetings, meeting_events, meeting_policy
from events.webinars.services import meeting_retry

MAX_ID = 2**63 - 1


def _refused(request: HttpRequest) -> HttpResponse | None:
    if meeting_policy.user_has_permission(request.user, "meetings"):
        return None
    message = _("Kun arrangørens redaktører og moderatorer kan se møderne.")
    return TemplateResponse(
        request, "events/admin/webinar_error.html", {"message": message}, status=403
    )


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return TemplateResponse(
        request, "events/admin/webinar_error.html", {"message": message}, status=400
    )


@require_http_methods(["GET", "HEAD"])
def meetings_index(request: HttpRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    events = list(meeting_events(request.user)[:200])
    states: dict[int | None, list[str]] = {}
    for meeting in SessionMeeting.objects.filter(event__in=events).only("event_id", "state"):
        states.setdefault(meeting.event_id, []).append(meeting.state)
    rows = [
        {
            "event": event,
            "created": states.get(event.pk, []).count(MeetingState.CREATED),
            "failed": states.get(event.pk, []).count(MeetingState.FAILED),
            "total": len(states.get(event.pk, [])),
        }
        for event in events
    ]
    return TemplateResponse(request, "events/admin/webinar_index.html", {"rows": rows})


@require_http_methods(["GET", "HEAD"])
def meetings_event(request: HttpRequest, event_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    if event_id > MAX_ID:
        raise Http404
    event = get_object_or_404(meeting_events(request.user), pk=event_id)
    rows = event_meetings(event)
    for row in rows:
        row["when"] = format_when(row["session"]) if row["session"] else _("(session fjernet)")
    return TemplateResponse(
        request, "events/admin/webinar_event.html", {"event": event, "rows": rows}
    )


@require_http_methods(["POST"])
def meeting_retry_view(request: HttpRequest, event_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    if event_id > MAX_ID:
        raise Http404
    event = get_object_or_404(meeting_events(request.user), pk=event_id)
    values = request.POST.getlist("meeting")
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 18:
        return _bad_request(request, str(_("Mødet (meeting): mangler eller er ugyldigt.")))
    meeting = get_object_or_404(SessionMeeting, pk=int(values[0]), event=event)
    if meeting_retry(meeting=meeting):
        messages.success(request, _("Mødet prøves igen om et øjeblik."))
    else:
        messages.info(request, _("Der er intet at prøve igen for dette møde."))
    return redirect(reverse("webinar_meetings:event", args=[event.pk]))


def urlpatterns() -> list:
    return [
        path("webinarmoeder/", meetings_index, name="index"),
        path("webinarmoeder/<int:event_id>/", meetings_event, name="event"),
        path("webinarmoeder/<int:event_id>/proev-igen/", meeting_retry_view, name="retry"),
    ]


class MeetingsMenuItem(MenuItem):
    def is_shown(self, request):
        return meeting_policy.user_has_permission(request.user, "meetings")


def menu_item() -> MenuItem:
    return MeetingsMenuItem(
        _("Webinarmøder"),
        reverse("webinar_meetings:index"),
        name="webinar-meetings",
        icon_name="media",
        order=265,
    )
