"""Who has earned a course certificate, per event, for the moderators of the event's partner
(and the coordinators): each person's attended sessions against the rule, and their
certificate's code and date once issued. Read only; the person's link (token) is never shown.
Any other event id is a 404 that names nothing."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem

from events.courses.certificate_pdf import danish_date
from events.courses.certificates import event_completions, held_sessions, required_sessions
from events.models import CompletionRule, EventPage
from home.areas.permissions import PartnerScopedPolicy

certificate_policy = PartnerScopedPolicy(
    EventPage, partner_path="partner", member_actions=(), moderator_actions=("certificates",)
)
MAX_ID = 2**63 - 1


def _refused(request: HttpRequest) -> HttpResponse | None:
    if certificate_policy.user_has_permission(request.user, "certificates"):
        return None
    message = _("Kun arrangørens moderatorer kan se kursusbeviser.")
    return TemplateResponse(
        request, "events/admin/checkin_error.html", {"message": message}, status=403
    )


def _events(request: HttpRequest):
    return (
        certificate_policy.instances_user_has_permission_for(request.user, "certificates")
        .exclude(completion_rule=CompletionRule.NONE)
        .order_by("-first_start")
    )


@require_http_methods(["GET", "HEAD"])
def certificates_index(request: HttpRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    events = list(_events(request).prefetch_related("certificates")[:200])
    rows = [{"event": event, "issued": len(event.certificates.all())} for event in events]
    return TemplateResponse(request, "events/admin/certificates_index.html", {"rows": rows})


@require_http_methods(["GET", "HEAD"])
def certificates_event(request: HttpRequest, event_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    if event_id > MAX_ID:
        raise Http404
    event = get_object_or_404(_events(request), pk=event_id)
    held = held_sessions(event)
    rows = [
        {
            "name": completion.person.name or _("(anonymiseret)"),
            "attended": len(completion.attended),
            "met": completion.met,
            "code": completion.certificate.code if completion.certificate else "",
            "issued": danish_date(completion.certificate.issued_at)
            if completion.certificate
            else "",
        }
        for completion in event_completions(event)
    ]
    context = {
        "event": event,
        "held": len(held),
        "required": required_sessions(event, len(held)),
        "rows": rows,
        "earned": sum(row["met"] for row in rows),
    }
    return TemplateResponse(request, "events/admin/certificates_event.html", context)


def urlpatterns() -> list:
    return [
        path("kursusbeviser/", certificates_index, name="index"),
        path("kursusbeviser/<int:event_id>/", certificates_event, name="event"),
    ]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return certificate_policy.user_has_permission(request.user, "certificates")


def menu_item() -> MenuItem:
    return CertificatesMenuItem(
        _("Kursusbeviser"), reverse("certificates_admin:index"), icon_name="doc-full", order=260
    )
