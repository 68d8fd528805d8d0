"""Sign-ups through the API, a registration by its token (see, change, cancel, hand over to a
colleague), and the registrant's own feed.

Transport only: ``events.registrations.services`` decides and writes (locking the event's
seats), and its ``EventsError`` becomes a 400/404/409 in ``api.errors``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer, ParameterError
from api.parsers import JSONBodyParser, body_too_large
from api.serializers.registrations import (
    TRANSFERRED_DETAIL,
    RegistrationChangeSerializer,
    RegistrationCreatedSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
    RegistrationTransferredSerializer,
    RegistrationTransferSerializer,
    created_body,
)
from api.throttling import RegistrationThrottle
from events import ical
from events.errors import EventsError
from events.ical.selectors import registrant_calendar_entries, registrant_feed_key_by_token
from events.models import Registration, RegistrationSource
from events.registrations.changes import registration_details_change, registration_transfer
from events.registrations.selectors import registration_by_token
from events.registrations.services import registration_cancel
from events.registrations.signups import registration_create
from events.selectors import sign_up_form
from home.selectors import content_state_and_site_root

MAX_IDEMPOTENCY_KEY = 255


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Forespørgslen er for stor: højst 64 KiB.")
    default_code = "payload_too_large"


class LengthRequired(exceptions.APIException):
    """A body sent in chunks (``Transfer-Encoding: chunked``), without its length: Django reads
    a body by its ``Content-Length`` only, so it would arrive empty."""

    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = _("Forespørgslen skal angive sin længde (Content-Length).")
    default_code = "length_required"


class TooManySignUps(exceptions.Throttled):
    default_detail = _("For mange tilmeldinger fra denne adresse.")
    # Lazy, as DRF's own are (its types say str): translated when the answer is made.
    extra_detail_singular = _("Prøv igen om {wait} sekund.")  # type: ignore[assignment]
    extra_detail_plural = _("Prøv igen om {wait} sekunder.")  # type: ignore[assignment]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


UNAVAILABLE = _error("The database or Redis is unavailable; try again (Retry-After).")


class _JSONBodyView(APIView):
    """A view taking a JSON object of at most 64 KiB (refused before it is read)."""

    parser_classes = [JSONBodyParser]

    def initial(self, request, *args, **kwargs):
        # Before the body is read or the throttle counts the request.
        if body_too_large(request):
            raise PayloadTooLarge
        if request.META.get("HTTP_TRANSFER_ENCODING") and not request.META.get("CONTENT_LENGTH"):
            raise LengthRequired
        super().initial(request, *args, **kwargs)

    def body(self, request) -> dict:
        try:
            data = request.data
        except exceptions.ParseError:
            raise ParameterError("body", "Forespørgslen er ikke gyldig JSON.") from None
        if not isinstance(data, dict):
            raise ParameterError("body", "Forespørgslen skal være et JSON-objekt.")
        return data


class _ThrottledJSONBodyView(_JSONBodyView):
    """A write that sends email: throttled as sign-ups are, per client address as the declared
    proxies report it (``api.throttling``), counted in the shared cache, so every web process
    counts the same requests."""

    throttle_classes = [RegistrationThrottle]

    def throttled(self, request, wait):
        raise TooManySignUps(wait)


class EventRegistrationsView(_ThrottledJSONBodyView):
    @extend_schema(
        operation_id="events_registrations_create",
        summary="Register for an event",
        description=(
            "Signs a person up (confirmed while seats are left, then the waiting list) or, for "
            "events with participation `staff_group`, files a staff group's application. A "
            "repeated sign-up with the same email gets the same answer as a new one (the person "
            "is told by email). `answers` answer the event's `questions` by key; every problem "
            "with them is a 400 naming the question under `answers.<key>`. Send an "
            "`Idempotency-Key` to make retries safe. Throttled per client address."
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string (e.g. a UUID) per sign-up attempt; a request "
                "repeated with the same key gets the first answer and registers nobody twice.",
            ),
        ],
        request=RegistrationCreateSerializer,
        responses={
            201: RegistrationCreatedSerializer,
            400: _error("A field is missing or invalid; messages per field, in Danish."),
            404: _error("No such published event."),
            409: _error(
                "Registration is not open, the event is full without a waiting list, or an "
                "option chosen (limited_choice) has no places left (`answers.<key>`)."
            ),
            411: _error("The body was sent without its length (chunked)."),
            413: _error("The body is over 64 KiB."),
            429: _error(
                "Too many sign-ups from this client address; or, for a staff group, the "
                "applicant's or the manager's address has had its applications for today."
            ),
            503: UNAVAILABLE,
        },
    )
    def post(self, request, id: int):
        # The event, its questions and the vocabularies, once per content version in this
        # process (events.selectors.sign_up_form). Emails rendered by the workers need no
        # sessions here.
        state, site_root = content_state_and_site_root()
        version = state.version
        form = sign_up_form(
            pk=id,
            version=version,
            site_root=site_root,
            with_sessions=not settings.SIGNUP_EMAILS_RENDERED_BY_WORKERS,
        )
        if form is None:
            raise EventsError("event_not_found")
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
            raise ParameterError(
                "Idempotency-Key", "Idempotency-Key: højst 255 synlige tegn, fx et UUID."
            )
        serializer = RegistrationCreateSerializer(
            data=self.body(request), context={"content_version": version}
        )
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        outcome = registration_create(
            event_id=id,
            event=form.event,
            questions=form.questions,
            name=fields["name"],
            email=fields["email"],
            workplace=fields["workplace"],
            municipality=fields["municipality"],
            job_role=fields["job_role"],
            consent=fields["consent"],
            privacy_version=fields["privacy_version"],
            accessibility_needs=fields["accessibility_needs"],
            phone=fields["phone"],
            participants=fields["participants"],
            unit=fields["unit"],
            manager_name=fields["manager_name"],
            manager_email=fields["manager_email"],
            answers=fields["answers"],
            members=fields["members"],
            source=RegistrationSource.API,
            client=_client_label(request),
            idempotency_key=key,
        )
        return Response(
            created_body(outcome.status, outcome.waiting_position),
            status=status.HTTP_201_CREATED,
        )


def _client_label(request) -> str:
    """Which site or program sent the sign-up, for the admin: the ``Origin``, else the
    ``User-Agent``, printable characters only (a NUL, which PostgreSQL refuses, is dropped)."""
    value = request.headers.get("Origin", "") or request.headers.get("User-Agent", "")
    return "".join(character for character in value if character.isprintable())[:200]


TOKEN = OpenApiParameter(
    "token",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The registrant's secret token, from the links in their emails.",
)


def _registration_of(token: str) -> Registration:
    try:
        return registration_by_token(token=token)
    except Registration.DoesNotExist:
        raise EventsError("registration_not_found") from None


class RegistrationByTokenView(APIView):
    """The registrant's own registration, by the secret token in their emails."""

    def _registration(self, token: str) -> Registration:
        return _registration_of(token)

    @extend_schema(
        operation_id="registrations_retrieve",
        summary="A registration, by its token",
        parameters=[TOKEN],
        responses={
            200: RegistrationSerializer,
            404: _error("No registration has this token."),
            503: UNAVAILABLE,
        },
    )
    def get(self, request, token: str):
        response = Response(RegistrationSerializer(self._registration(token)).data)
        response["X-Private-Response"] = "1"  # never kept in the shared cache
        return response

    @extend_schema(
        operation_id="registrations_cancel",
        summary="Cancel a registration, by its token",
        description="The freed seat goes to the first on the waiting list. Cancelling twice "
        "changes nothing.",
        parameters=[TOKEN],
        responses={
            200: RegistrationSerializer,
            404: _error("No registration has this token."),
            409: _error("The event has started."),
            503: UNAVAILABLE,
        },
    )
    def delete(self, request, token: str):
        registration = registration_cancel(registration=self._registration(token))
        registration = registration_by_token(token=token)
        return Response(RegistrationSerializer(registration).data)


class RegistrationChangeView(_ThrottledJSONBodyView):
    """The registrant changes their own details and answers, by their token (each change
    writes a receipt)."""

    @extend_schema(
        operation_id="registrations_change",
        summary="Change a registration's details and answers, by its token",
        description="Until registration closes. A field left out stays as it is; `answers`, "
        "when given, replace all the answers and are checked as at sign-up (an option with "
        "places is checked only when newly chosen: the registrant's own place is theirs). "
        "Nothing is written when anything is refused. The registrant gets a receipt by email "
        "when something changed.",
        parameters=[TOKEN],
        request=RegistrationChangeSerializer,
        responses={
            200: RegistrationSerializer,
            400: _error("A field or answer is invalid; messages per field, in Danish."),
            404: _error("No registration has this token."),
            409: _error(
                "Registration has closed, the registration is cancelled, or an option chosen "
                "has no places left (`answers.<key>`)."
            ),
            411: _error("The body was sent without its length (chunked)."),
            413: _error("The body is over 64 KiB."),
            429: _error("Too many requests from this client address."),
            503: UNAVAILABLE,
        },
    )
    def post(self, request, token: str):
        registration = _registration_of(token)
        serializer = RegistrationChangeSerializer(data=self.body(request))
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        registration_details_change(
            registration=registration,
            name=fields.get("name", registration.name),
            phone=fields.get("phone", registration.phone),
            workplace=fields.get("workplace", registration.workplace),
            municipality=fields.get("municipality", registration.municipality),
            job_role=fields.get("job_role", registration.job_role),
            accessibility_needs=fields.get("accessibility_needs", registration.accessibility_needs),
            answers=fields.get(
                "answers", {answer.key: answer.value for answer in registration.own_answers()}
            ),
        )
        response = Response(RegistrationSerializer(registration_by_token(token=token)).data)
        response["X-Private-Response"] = "1"
        return response


class RegistrationTransferView(_ThrottledJSONBodyView):
    """The registrant sends a colleague in their place, by their token (it writes to an
    address the request names)."""

    @extend_schema(
        operation_id="registrations_transfer",
        summary="Send a colleague in the registrant's place, by the registration's token",
        description="Until registration closes, for a person's registration (not a staff "
        "group's application). The seat, or the place on the waiting list, moves to the "
        "colleague, who gets the confirmation (or waiting-list email) with their own link; the "
        "registration is cancelled (`transferred`) and its registrant gets a cancellation of "
        "their calendar entry. Nobody on the waiting list moves up. Ordinary answers go along, "
        "sensitive and statistical ones do not. Repeated with the same colleague, the same "
        "answer. Throttled per client address.",
        parameters=[TOKEN],
        request=RegistrationTransferSerializer,
        responses={
            201: RegistrationTransferredSerializer,
            400: _error("A field is invalid, or the email is the registrant's own."),
            404: _error("No registration has this token."),
            409: _error(
                "Registration has closed, the registration is cancelled or a staff group's, or "
                "the colleague is registered already."
            ),
            411: _error("The body was sent without its length (chunked)."),
            413: _error("The body is over 64 KiB."),
            429: _error("Too many requests from this client address."),
            503: UNAVAILABLE,
        },
    )
    def post(self, request, token: str):
        registration = _registration_of(token)
        serializer = RegistrationTransferSerializer(data=self.body(request))
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        colleague = registration_transfer(
            registration=registration,
            name=fields["name"],
            email=fields["email"],
            workplace=fields["workplace"],
            municipality=fields["municipality"],
            job_role=fields["job_role"],
            consent=fields["consent"],
        )
        response = Response(
            {
                "status": colleague.status,
                "waiting_position": colleague.waiting_position,
                "detail": TRANSFERRED_DETAIL,
            },
            status=status.HTTP_201_CREATED,
        )
        response["X-Private-Response"] = "1"
        return response


@require_safe
def registrant_feed(request: HttpRequest, token: str) -> HttpResponse:
    """``/feeds/me/<signed token>.ics``: the person's own events, join links where confirmed."""
    key = registrant_feed_key_by_token(token)
    if key is None:
        return HttpResponse(
            "Kalenderlinket er ugyldigt eller er erstattet af et nyt.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    entries = registrant_calendar_entries(email=key.email)
    calendar = ical.calendar_for_registrant(entries, name=f"{ical.CALENDAR_PREFIX} – mine")
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mine-arrangementer.ics"'
    response["X-Private-Response"] = "1"
    return response
