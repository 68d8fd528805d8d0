"""The registrant's pages: see, change and cancel a registration or send a colleague in one's
place, answer an offer of a seat from the waiting list, a manager's anchoring, my registrations
with the personal calendar link, and my data (download, delete).

Thin: reads through ``events.registrations.selectors`` (the feed link ``events.ical.selectors``),
writes through ``events.registrations.services`` and ``.changes`` (erasure:
``events.retention.services``); the registrant's forms are ``events.registrations.forms``. Every
form posts with Django's CSRF token; the token in the URL is the registrant's secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from events.errors import EventsError
from events.ical.selectors import registrant_feed_url
from events.models import (
    CancelReason,
    GroupMember,
    Participation,
    Registration,
    RegistrationStatus,
)
from events.registrations.applications import (
    application_manager_confirm,
    application_manager_decline,
)
from events.registrations.changes import (
    registration_details_change,
    registration_transfer,
    self_service_open,
)
from events.registrations.forms import DetailsForm, TransferForm
from events.registrations.offers import offer_claim, offer_decline
from events.registrations.registrant_page import registrant_event
from events.registrations.selectors import (
    members_of_email,
    registration_by_manager_token,
    registration_by_token,
    registrations_of_email,
)
from events.registrations.services import (
    registrant_feed_key,
    registrant_feed_key_rotate,
    registration_cancel,
)
from events.retention.services import registrant_erase

# The token in the URL is a secret: "same-origin" sends it in Referer to this site only, never
# to another. Not "no-referrer": a browser then sends ``Origin: null`` with the page's forms,
# which Django's CSRF check refuses, and no registrant or manager could submit them.
_NO_INDEX = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "same-origin"}


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"events/registration/{template}", context, status=status)
    for name, value in _NO_INDEX.items():
        response[name] = value
    response["Cache-Control"] = "private, no-store"
    return response


def _registration(token: str) -> Registration:
    try:
        return registration_by_token(token=token)
    except Registration.DoesNotExist:
        raise Http404 from None


def _error(request: HttpRequest, registration: Registration, error: EventsError) -> HttpResponse:
    return _page(
        request,
        "manage.html",
        {
            "registration": registration,
            "about": registrant_event(registration=registration, now=timezone.now()),
            "error": error.message,
        },
        status=error.http_status,
    )


@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    return _page(
        request,
        "manage.html",
        {
            "registration": registration,
            "about": registrant_event(registration=registration, now=timezone.now()),
            "can_change": registration.status != RegistrationStatus.CANCELLED
            and self_service_open(registration.event, timezone.now()),
            "can_transfer": registration.event.participation != Participation.STAFF_GROUP,
            "changed": "gemt" in request.GET,
            "transferred": registration.cancel_reason == CancelReason.TRANSFERRED,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link in an email is followed by scanners too); POST cancels."""
    registration = _registration(token)
    if request.method == "POST":
        try:
            registration_cancel(registration=registration)
        except EventsError as error:
            return _error(request, registration, error)
        return redirect("registration:manage", token=token)
    return _page(request, "cancel.html", {"registration": registration})


OFFER_ANSWERS = {"claim": offer_claim, "decline": offer_decline}


@require_http_methods(["GET", "HEAD", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the offer and its deadline (a scanner following the link claims nothing);
    POST takes the seat (``answer=claim``) or says no thanks (``answer=decline``)."""
    registration = _registration(token)
    if request.method == "POST":
        answer = OFFER_ANSWERS.get(request.POST.get("answer", ""))
        try:
            if answer is None:
                raise EventsError("offer_answer_unknown")
            answer(registration=registration)
        except EventsError as error:
            return _page(
                request,
                "offer.html",
                {"registration": registration, "error": error.message},
                status=error.http_status,
            )
        return redirect("registration:offer", token=token)
    return _page(request, "offer.html", {"registration": registration})


def _self_service_refusal(registration: Registration, *, transfer: bool) -> EventsError | None:
    """Why the registrant cannot change this registration now (the service checks it again
    under the event's lock), or None."""
    if registration.status == RegistrationStatus.CANCELLED:
        return EventsError("change_cancelled")
    if not self_service_open(registration.event, timezone.now()):
        return EventsError("change_closed")
    if transfer and registration.event.participation == Participation.STAFF_GROUP:
        return EventsError("transfer_staff_group")
    return None


def _self_service(
    request: HttpRequest,
    registration: Registration,
    template: str,
    form: DetailsForm | TransferForm,
    write: Callable[[], None],
    *,
    refusal: EventsError | None,
    done: str,
) -> HttpResponse:
    """A registrant's change or transfer: the form while the registration can change, else
    why not, without a form (a POST then gets a 409 and the Danish message, and changes
    nothing). A refusal of the service lands at the field it names."""
    status = 200
    shown: DetailsForm | TransferForm | None = form
    if refusal is not None:
        shown, status = None, refusal.http_status if request.method == "POST" else 200
    elif request.method == "POST":
        if form.is_valid():
            try:
                write()
            except EventsError as error:
                form.add_events_error(error)
                status = error.http_status
            else:
                return redirect(reverse("registration:manage", args=[registration.token]) + done)
        else:
            status = 400
    return _page(
        request,
        template,
        {
            "registration": registration,
            "form": shown,
            "refusal": refusal.message if refusal else None,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def change(request: HttpRequest, token: str) -> HttpResponse:
    """Change one's details and answers until registration closes."""
    registration = _registration(token)
    form = DetailsForm(
        request.POST if request.method == "POST" else None, registration=registration
    )

    def write() -> None:
        data = form.cleaned_data
        registration_details_change(
            registration=registration,
            name=data["name"],
            phone=data["phone"],
            workplace=data["workplace"],
            municipality=data["municipality"],
            job_role=data["job_role"],
            accessibility_needs=data["accessibility_needs"],
            answers=form.answers(),
        )

    refusal = _self_service_refusal(registration, transfer=False)
    return _self_service(
        request, registration, "change.html", form, write, refusal=refusal, done="?gemt=1"
    )


@require_http_methods(["GET", "HEAD", "POST"])
def transfer(request: HttpRequest, token: str) -> HttpResponse:
    """Send a colleague in one's place until registration closes. Sent once already, the same
    colleague again (a second click) is the same transfer: back to the page that says so."""
    registration = _registration(token)
    form = TransferForm(request.POST if request.method == "POST" else None)

    def write() -> None:
        data = form.cleaned_data
        registration_transfer(
            registration=registration,
            name=data["name"],
            email=data["email"],
            workplace=data["workplace"],
            municipality=data["municipality"],
            job_role=data["job_role"],
            consent=data["consent"],
        )

    refusal = _self_service_refusal(registration, transfer=True)
    if (
        request.method == "POST"
        and registration.cancel_reason == CancelReason.TRANSFERRED
        and registration.status == RegistrationStatus.CANCELLED
    ):
        refusal = None  # the service answers a repeat with the colleague it made, or refuses
    return _self_service(
        request, registration, "transfer.html", form, write, refusal=refusal, done=""
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manager_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = registration_by_manager_token(token=token)
    except Registration.DoesNotExist:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decline":
                registration = application_manager_decline(
                    registration=registration, reason=request.POST.get("reason", "")
                )
            else:
                registration = application_manager_confirm(registration=registration)
        except EventsError as exc:
            error = exc
    return _page(
        request,
        "manager_confirm.html",
        {"registration": registration, "error": error.message if error else None},
        status=error.http_status if error else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def mine(request: HttpRequest, token: str) -> HttpResponse:
    """All registrations of the link's email, and the personal calendar feed's link.
    POST makes a new feed link (the old one stops working)."""
    registration = _registration(token)
    if request.method == "POST":
        registrant_feed_key_rotate(email=registration.email)
        return redirect("registration:mine", token=token)
    key = registrant_feed_key(email=registration.email)
    feed_url = registrant_feed_url(key)
    return _page(
        request,
        "mine.html",
        {
            "registration": registration,
            "registrations": registrations_of_email(email=registration.email),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def data(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what is kept (``?format=json`` downloads it); POST deletes it."""
    if request.method == "POST":
        registration = _registration(token)
        registrant_erase(email=registration.email)
        return _page(request, "erased.html", {})
    registration = _registration(token)
    registrations = list(registrations_of_email(email=registration.email))
    if request.GET.get("format") == "json":
        payload = {
            "email": registration.email,
            "exported_at": timezone.now().isoformat(),
            "registrations": [_personal_data(r) for r in registrations],
            "named_in_staff_groups": [
                _member_data(member) for member in members_of_email(email=registration.email)
            ],
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="mine-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response
    return _page(request, "data.html", {"registration": registration, "count": len(registrations)})


def _member_data(member: GroupMember) -> dict:
    """Where the person is named as a participant of someone's staff-group application: what
    is kept of them there (not the applicant's own data)."""
    event = member.registration.event
    return {
        "event": {"id": event.pk, "title": event.title},
        "name": member.name,
        "email": member.email,
        "needs": member.needs,
        "answers": [_answer_data(answer) for answer in member.answers.all()],
        "created_at": member.created_at.isoformat(),
    }


def _personal_data(registration: Registration) -> dict:
    return {
        "event": {"id": registration.event_id, "title": registration.event.title},
        "status": registration.status,
        "waiting_position": registration.waiting_position,
        "offer_expires_at": (
            registration.offer_expires_at.isoformat() if registration.offer_expires_at else None
        ),
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "workplace": registration.workplace,
        "municipality": registration.municipality.name,
        "job_role": registration.job_role.name if registration.job_role else None,
        "accessibility_needs": registration.accessibility_needs,
        "participants": registration.participants,
        "unit": registration.unit,
        "manager_name": registration.manager_name,
        "manager_email": registration.manager_email,
        "consent_at": registration.consent_at.isoformat(),
        "privacy_version": registration.privacy_version,
        "source": registration.source,
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
        "cancelled_at": (
            registration.cancelled_at.isoformat() if registration.cancelled_at else None
        ),
        "status_label": str(RegistrationStatus(registration.status).label),
        "answers": [_answer_data(answer) for answer in registration.own_answers()],
        # The participants the applicant named (with their answers to per-participant questions).
        "members": [
            {
                "name": member.name,
                "email": member.email,
                "needs": member.needs,
                "answers": [_answer_data(answer) for answer in member.answers.all()],
            }
            for member in registration.members.all()
        ],
    }


def _answer_data(answer) -> dict:
    return {
        "question": answer.label,
        "key": answer.key,
        "answer": answer.text,
        "value": answer.value,
    }
