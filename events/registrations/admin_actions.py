"""A moderator's steps on one registration in the admin (approve, decline, promote, cancel,
attendance): which apply to a registration now, and the confirmation page that takes one through
its service. Cancelling asks the moderator why; the registrant's email says the centre
cancelled, with that reason. Attendance is recorded only once the event has begun."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from events.errors import EventsError
from events.models import CancelReason, EventPage, Participation, Registration, RegistrationStatus
from events.registrations.applications import application_approve, application_decline
from events.registrations.permissions import registration_policy
from events.registrations.services import (
    EXPLANATION_MAX_LENGTH,
    cancel_explanation_clean,
    registration_attendance_set,
    registration_cancel,
    registration_promote,
)

ACTIONS = {
    # action: (label, question, which statuses it applies to, service)
    "approve": (
        _("Godkend"),
        _("Godkend ansøgningen fra %(name)s (%(participants)s deltagere)?"),
        (RegistrationStatus.PENDING,),
        application_approve,
    ),
    "decline": (
        _("Afvis"),
        _("Afvis ansøgningen fra %(name)s?"),
        (RegistrationStatus.PENDING,),
        application_decline,
    ),
    "promote": (
        _("Ryk op fra ventelisten"),
        _("Giv %(name)s en plads (%(where)s)?"),
        (RegistrationStatus.WAITING_LIST, RegistrationStatus.OFFERED),
        registration_promote,
    ),
    "cancel": (
        _("Annullér"),
        _("Annullér tilmeldingen for %(name)s? En ledig plads går til den første på ventelisten."),
        (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITING_LIST,
            RegistrationStatus.OFFERED,
            RegistrationStatus.PENDING,
        ),
        None,
    ),
    "attend": (
        _("Registrér fremmøde"),
        _("Registrér, at %(name)s mødte op?"),
        (RegistrationStatus.CONFIRMED,),
        partial(registration_attendance_set, attended=True),
    ),
}


def attendance_open(event: EventPage, now: datetime | None = None) -> bool:
    """Attendance is recorded once the event has begun (its first session has started)."""
    return event.first_start is not None and event.first_start <= (now or timezone.now())


def actions_for(registration: Registration, user, *, participation: str) -> list[str]:
    """The steps ``user`` may take on ``registration`` now, in the order they are offered."""
    actions = []
    for action, (_label, _question, statuses, _service) in ACTIONS.items():
        if registration.status not in statuses:
            continue
        if action in ("approve", "decline") and participation != Participation.STAFF_GROUP:
            continue
        if action == "attend" and (
            registration.attended or not attendance_open(registration.event)
        ):
            continue
        if registration_policy.user_has_permission_for_instance(user, action, registration):
            actions.append(action)
    return actions


def offer_deadline_display(registration: Registration) -> str:
    """An offer's deadline while it is out, in the centre's time zone; "–" otherwise."""
    if registration.status != RegistrationStatus.OFFERED or not registration.offer_expires_at:
        return "–"
    return date_format(localtime(registration.offer_expires_at), "j. F Y H:i")


def _where(registration: Registration) -> str:
    """Where the person stands, for the promote action's question."""
    if registration.status == RegistrationStatus.OFFERED:
        return _("tilbudt pladsen med frist %(deadline)s") % {
            "deadline": offer_deadline_display(registration)
        }
    return _("nummer %(position)s på ventelisten") % {"position": registration.waiting_position}


class CancelForm(forms.Form):
    """Why the centre cancels: the registrant reads it in their email."""

    reason = forms.CharField(
        label=_("Begrundelse til deltageren"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Står i mailen til deltageren, som får at vide, at centret har annulleret "
            "tilmeldingen. Skriv ikke noget, deltageren ikke må læse."
        ),
        max_length=EXPLANATION_MAX_LENGTH,
        error_messages={
            "required": _(
                "Begrundelse: skriv, hvorfor tilmeldingen annulleres. Den står i mailen til "
                "deltageren."
            ),
            "max_length": _("Begrundelse: højst %(limit_value)d tegn."),
            "null_characters_not_allowed": _("Begrundelse: teksten indeholder et ugyldigt tegn."),
        },
    )

    def clean_reason(self) -> str:
        try:
            return cancel_explanation_clean(self.cleaned_data["reason"])
        except EventsError as error:
            raise forms.ValidationError(error.message) from None


def action_view(request, pk: int, action: str, *, namespace: str):
    """GET asks for confirmation; POST takes the step through its service. Cancelling needs
    the moderator's reason; without one nothing is done and the page asks again (400)."""
    if action not in ACTIONS:
        return redirect(f"{namespace}:index")
    label, question, statuses, service = ACTIONS[action]
    registration = get_object_or_404(
        registration_policy.instances_user_has_permission_for(request.user, action).select_related(
            "event"
        ),
        pk=pk,
    )
    index_url = reverse(f"{namespace}:index") + f"?event={registration.event_id}"
    back_url = request.GET.get("next") == "inspect" and reverse(
        f"{namespace}:inspect", args=[registration.pk]
    )
    form = CancelForm(request.POST or None) if action == "cancel" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if action == "cancel":
                registration_cancel(
                    registration=registration,
                    reason=CancelReason.ORGANISER,
                    explanation=form.cleaned_data["reason"] if form else "",
                )
            else:
                service(registration=registration, by=request.user)
        except EventsError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(action)s: %(name)s.") % {"action": label, "name": registration.name},
            )
        return redirect(back_url or index_url)
    return TemplateResponse(
        request,
        "events/admin/confirm_registration_action.html",
        {
            "object": registration,
            "question": question
            % {
                "name": registration.name,
                "participants": registration.participants,
                "position": registration.waiting_position,
                "where": _where(registration),
            },
            "label": label,
            "form": form,
            "index_url": back_url or index_url,
            "page_title": label,
        },
        status=400 if request.method == "POST" else 200,
    )
