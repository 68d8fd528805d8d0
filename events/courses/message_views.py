"""Messages to registrants in the admin: compose, preview (the first recipient's copy and the
count), send; then the message's page, with its copies' state and the way to the email log.

Only the moderators of the event's partner (and the coordinators) reach an event here: any other
event id is a 404 that names nothing, and an editor gets a Danish 403. Every fault in what is
posted is a 400 naming the field, and nothing is written.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from events.courses.messages import (
    MessageError,
    message_copies,
    message_events_of,
    message_policy,
    message_recipients,
    message_render,
    message_send,
    message_validate,
)
from events.mail.compose import format_when
from events.models import EventMessage, EventPage, EventSession, MessageAudience
from home.outbox import DeliveryStatus

MAX_ID = 2**63 - 1
LABELS = {
    "audience": "Modtagere",
    "session": "Session",
    "subject": "Emne",
    "body": "Tekst",
    "attach_calendar": "Kalenderfil",
    "key": "Formularens nøgle",
    "step": "Trin",
}


class MessageForm(forms.Form):
    audience = forms.ChoiceField(
        label="Modtagere",
        choices=MessageAudience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Modtagere: vælg, hvem beskeden skal til.",
            "invalid_choice": "Modtagere: vælg bekræftede, venteliste eller alle.",
        },
    )
    session = forms.TypedChoiceField(
        label="Om",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Session: vælg en af arrangementets sessioner."},
    )
    subject = forms.CharField(
        label="Emne", strip=False, required=False, widget=forms.TextInput(attrs={"size": 60})
    )
    body = forms.CharField(
        label="Tekst",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Skriv {navn} for modtagerens navn og {arrangement} for arrangementets titel.",
    )
    attach_calendar = forms.BooleanField(label="Vedhæft arrangementets kalenderfil", required=False)
    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Formularens nøgle (key): mangler. Genindlæs siden.",
            "invalid": "Formularens nøgle (key): ugyldig. Genindlæs siden.",
        },
    )

    def __init__(self, *args, event: EventPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.sessions = list(event.sessions.all())
        session_field = self.fields["session"]
        assert isinstance(session_field, forms.TypedChoiceField)
        session_field.choices = [("", "Hele arrangementet")] + [
            (s.pk, f"{s.title + ': ' if s.title else ''}{format_when(s)}") for s in self.sessions
        ]
        # A NUL is refused by ``message_validate``, with a message that names the field.
        for name in ("subject", "body"):
            self.fields[name].validators = [
                v
                for v in self.fields[name].validators
                if not isinstance(v, ProhibitNullCharactersValidator)
            ]

    def clean(self):
        data = super().clean()
        if "subject" in data and "body" in data:
            try:
                message_validate(subject=data["subject"], body=data["body"])
            except MessageError as error:
                self.add_error(error.field, error.message)
        return data

    def chosen_session(self) -> EventSession | None:
        pk = self.cleaned_data.get("session")
        return next((s for s in self.sessions if s.pk == pk), None)

    def messages(self) -> list[str]:
        """Every fault, each naming its field."""
        said = []
        for field, errors in self.errors.items():
            label = LABELS.get(field, field)
            for error in errors:
                said.append(error if error.startswith(label) else f"{label}: {error}")
        return said


def _refused(request: HttpRequest) -> HttpResponse | None:
    """A 403 in Danish for anyone who moderates no partner's events."""
    if message_policy.user_has_permission(request.user, "message"):
        return None
    return TemplateResponse(
        request,
        "events/messages/error.html",
        {"message": "Kun arrangørens moderatorer kan skrive til deltagerne."},
        status=403,
    )


def _event(request: HttpRequest, event_id: int) -> EventPage:
    if event_id > MAX_ID:
        raise Http404
    return get_object_or_404(message_events_of(request.user), pk=event_id)


def _counts(event: EventPage) -> dict[str, int]:
    return {
        audience: len(message_recipients(event=event, audience=audience))
        for audience in MessageAudience.values
    }


def _single_values(request: HttpRequest) -> str | None:
    for name, values in request.POST.lists():
        if name in LABELS and len(values) > 1:
            return f"{LABELS[name]} ({name}): angiv én værdi."
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def message_compose(request: HttpRequest, event_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    event = _event(request, event_id)
    if request.method != "POST":
        form = MessageForm(
            initial={"audience": MessageAudience.CONFIRMED, "key": uuid.uuid4()}, event=event
        )
        return _compose_page(request, event, form)
    if fault := _single_values(request):
        return _compose_page(request, event, MessageForm(event=event), errors=[fault], status=400)
    form = MessageForm(request.POST, event=event)
    step = request.POST.get("step", "preview")
    if step not in ("preview", "send", "edit"):
        return _compose_page(request, event, form, errors=["Trin (step): ukendt trin."], status=400)
    if step == "edit":
        form.is_valid()
        return _compose_page(request, event, form)
    if not form.is_valid():
        return _compose_page(request, event, form, errors=form.messages(), status=400)
    data = form.cleaned_data
    session = form.chosen_session()
    if step == "preview":
        return _preview_page(request, event, form, session)
    try:
        sent = message_send(
            event=event,
            session=session,
            audience=data["audience"],
            subject=data["subject"],
            body=data["body"],
            attach_calendar=data["attach_calendar"],
            key=data["key"],
            by=request.user,
        )
    except MessageError as error:
        return _compose_page(request, event, form, errors=[error.message], status=400)
    return redirect("event_messages:detail", message_id=sent.message.pk)


def _compose_page(
    request: HttpRequest,
    event: EventPage,
    form: MessageForm,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "event": event,
        "form": form,
        "errors": errors or [],
        "counts": _counts(event),
        "sent": EventMessage.objects.filter(event=event).order_by("-created_at")[:20],
        "page_title": "Skriv til deltagerne",
    }
    return TemplateResponse(request, "events/messages/compose.html", context, status=status)


def _preview_page(
    request: HttpRequest, event: EventPage, form: MessageForm, session: EventSession | None
) -> HttpResponse:
    data = form.cleaned_data
    recipients = message_recipients(event=event, audience=data["audience"])
    preview = None
    if recipients:
        preview = message_render(
            event=event,
            session=session,
            subject=data["subject"],
            body=data["body"],
            recipient=recipients[0],
        )
    context = {
        "event": event,
        "form": form,
        "data": data,
        "session": session,
        "audience_label": MessageAudience(data["audience"]).label,
        "count": len(recipients),
        "first": recipients[0] if recipients else None,
        "preview": preview,
        "page_title": "Eksempel på beskeden",
    }
    return TemplateResponse(request, "events/messages/preview.html", context)


@require_http_methods(["GET", "HEAD"])
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    if message_id > MAX_ID:
        raise Http404
    message = get_object_or_404(
        EventMessage.objects.filter(event__in=message_events_of(request.user)).select_related(
            "event", "session"
        ),
        pk=message_id,
    )
    by_status = dict(
        message_copies(message)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [
        {"label": DeliveryStatus(status).label, "count": by_status.get(status, 0)}
        for status in DeliveryStatus.values
        if by_status.get(status)
    ]
    log_url = reverse("outbound_emails:index") + "?" + urlencode({"kind": "message"})
    context = {
        "message": message,
        "event": message.event,
        "rows": rows,
        "log_url": log_url,
        "compose_url": reverse("event_messages:compose", args=[message.event_id]),
        "page_title": message.subject,
    }
    return TemplateResponse(request, "events/messages/detail.html", context)


def urlpatterns() -> list:
    return [
        path("beskeder/<int:event_id>/", message_compose, name="compose"),
        path("beskeder/besked/<int:message_id>/", message_detail, name="detail"),
    ]
