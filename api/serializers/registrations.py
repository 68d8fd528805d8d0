"""Sign-ups through the API: what a consuming site sends, and what it gets back."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.links import api_url
from events.models import PRIVACY_TEXT_VERSION, Registration, RegistrationStatus
from events.registrations.addresses import internet_email_for
from home.models import Audience, Municipality
from home.selectors import vocabulary_by_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "string", "maxLength": 0},
        ]
    }
)
class OptionalEmailField(serializers.EmailField):
    """A valid address, or empty. (drf-spectacular put the default "" into the email branch,
    where OpenAPI validators rightly reject it as no email.)"""


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """Only true is accepted; the schema says so, so clients and schemathesis know it."""


def _messages(label: str, **extra: str) -> dict[str, StrOrPromise]:
    """Danish messages for a field, each naming the field first (as the admin's do)."""
    return {
        "required": f"{label}: feltet skal udfyldes.",
        "blank": f"{label}: feltet skal udfyldes.",
        "null": f"{label}: feltet skal udfyldes.",
        "invalid": f"{label}: ugyldig værdi.",
        "max_length": f"{label}: højst {{max_length}} tegn.",
        **extra,
    }


class CodeField(serializers.SlugRelatedField):
    """A vocabulary item by its code or slug, given as text: a number, list or object (or a
    NUL, which PostgreSQL refuses in text) is the field's ``invalid`` message, never a lookup."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        version = self.context.get("content_version")
        if version is None:
            return super().to_internal_value(data)
        # The view read the content version: the vocabulary comes from this process's memo.
        # The model from the declared queryset: ``get_queryset()`` clones it (``.all()``) for
        # every call, a thirtieth of a sign-up's CPU for nothing read.
        queryset = vars(self).get("queryset")  # never its truth, which would run it
        if queryset is None:
            queryset = self.get_queryset()
        model = queryset.model  # type: ignore[union-attr] # a field with a queryset
        found = vocabulary_by_code(model, self.slug_field, version).get(data)
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found


ANSWERS_SHAPE = "Svar: angiv svarene som et objekt med spørgsmålenes nøgler."
MAX_ANSWERS = 100
MAX_CHOSEN = 100
MAX_ANSWER_LENGTH = 5000


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": MAX_ANSWERS,
        "description": "Answers to the event's `questions`, by each question's `key`: a string "
        "(text, long_text, date as YYYY-MM-DD, an option's value, a municipality's code, an "
        "audience's slug), a number, true/false (yes_no) or a list of option values "
        "(multiple_choice); null or an empty string or list is no answer. A required question "
        "that is shown must be answered; a question hidden by its `shown_if` must not be. "
        "Each problem is a 400 under `answers.<key>` naming the question; an option without "
        "places left is a 409.",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [
                {"type": "string", "maxLength": MAX_ANSWER_LENGTH},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_CHOSEN},
            ],
        },
    }
)
class AnswersField(serializers.Field):
    """An object of answers. What each may be is for the event's questions to say
    (``events.registrations.answers``, in the sign-up service), which names the question in
    its message: a wrong type, a nested object, a NUL or an over-long text is refused there."""

    default_error_messages = {
        "invalid": ANSWERS_SHAPE,
        "too_many": f"Svar: højst {MAX_ANSWERS} svar.",
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("invalid")
        if len(data) > MAX_ANSWERS:
            self.fail("too_many")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


MAX_MEMBERS = 1000


@extend_schema_field(
    {
        "type": "array",
        "maxItems": MAX_MEMBERS,
        "description": "Staff groups only, optional: the group's participants by name, at most "
        "`participants` of them, each email once (the applicant may add or change them later "
        "on their own page, until registration closes). `answers` answer the questions with "
        "`per_participant` true, as the sign-up's `answers` do (with members, `answers` "
        "holds only the questions asked once). Once the application is "
        "approved, each participant gets an email with the calendar file and a link of their "
        "own. Each problem is a 400 under `members[i].<field>` (`members[i].answers.<key>`), "
        "counting from 0, with a Danish message naming the participant's number.",
        "items": {
            "type": "object",
            "required": ["name", "email"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "needs": {
                    "type": "string",
                    "maxLength": 2000,
                    "description": "Accessibility or dietary needs; erased after the event.",
                },
                "answers": {"type": "object", "maxProperties": MAX_ANSWERS},
            },
        },
    }
)
class MembersField(serializers.Field):
    """A list of participants. Each item's fields are checked by the sign-up service
    (``events.registrations.roster``), which names ``members[i].<field>`` in its messages."""

    default_error_messages = {
        "invalid": "Deltagere: angiv deltagerne som en liste af objekter.",
        "too_many": f"Deltagere: højst {MAX_MEMBERS} deltagere.",
    }

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.fail("invalid")
        if len(data) > MAX_MEMBERS:
            self.fail("too_many")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class RegistrationCreateSerializer(serializers.Serializer):
    """An individual sign-up, or (for events with participation ``staff_group``) a staff
    group's application: then ``unit``, ``participants``, ``manager_name`` and
    ``manager_email`` are required and the application awaits the manager and the organiser."""

    def get_fields(self) -> dict[str, serializers.Field]:
        """Each sign-up's own copies of the declared fields, shallow: DRF's ``deepcopy`` builds
        every field anew from its arguments (its messages, validators and querysets copied
        too), 1 ms of a sign-up's CPU, while binding a field to this serializer only sets
        attributes of its own (``bind``), and nothing changes what the copies share after the
        class is made. Every sign-up is parsed by this serializer, so it is worth it here."""
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    name = serializers.CharField(max_length=200, error_messages=_messages("Navn"))
    email = serializers.EmailField(
        max_length=254,
        validators=[internet_email_for("E-mail")],
        error_messages=_messages("E-mail", invalid="E-mail: skriv en gyldig e-mailadresse."),
    )
    workplace = serializers.CharField(max_length=200, error_messages=_messages("Arbejdsplads"))
    municipality = CodeField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        help_text="The municipality's four-digit code (see /api/v1/municipalities/).",
        error_messages=_messages(
            "Kommune",
            does_not_exist="Kommune: “{value}” er ikke en dansk kommune. Vælg din kommune "
            "på listen.",
            invalid="Kommune: vælg din kommune på listen.",
        ),
    )
    job_role = CodeField(
        slug_field="slug",
        queryset=Audience.objects.all(),
        help_text="The slug of one of the centre's audiences (see /api/v1/audiences/).",
        error_messages=_messages(
            "Stillingsgruppe",
            does_not_exist="Stillingsgruppe: “{value}” er ikke en af stillingsgrupperne. "
            "Vælg en stillingsgruppe på listen.",
            invalid="Stillingsgruppe: vælg en stillingsgruppe på listen.",
        ),
    )
    accessibility_needs = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional; erased once the event is over.",
        error_messages=_messages("Hensyn"),
    )
    consent = ConsentField(
        help_text="Must be true: the person consents to the privacy text.",
        error_messages=_messages("Samtykke", invalid="Samtykke: angiv true eller false."),
    )
    privacy_version = serializers.CharField(
        max_length=40,
        required=False,
        default=PRIVACY_TEXT_VERSION,
        help_text="The version of the privacy text the person was shown.",
        error_messages=_messages("Privatlivstekst"),
    )
    phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages("Telefon"),
    )
    participants = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=1000,
        help_text="Seats asked for: 1 for a person, the group's size for a staff group.",
        error_messages=_messages(
            "Deltagere",
            invalid="Deltagere: angiv et helt tal.",
            min_value="Deltagere: mindst {min_value}.",
            max_value="Deltagere: højst {max_value}.",
        ),
    )
    unit = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages("Enhed"),
    )
    manager_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages("Lederens navn"),
    )
    manager_email = OptionalEmailField(
        max_length=254,
        validators=[internet_email_for("Lederens e-mail")],
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages(
            "Lederens e-mail", invalid="Lederens e-mail: skriv en gyldig e-mailadresse."
        ),
    )

    answers = AnswersField(required=False, default=dict)
    members = MembersField(required=False, default=list)

    def validate_consent(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(
                "Samtykke: du skal give samtykke til privatlivsteksten for at tilmelde dig."
            )
        return value


class RegistrationCreatedSerializer(serializers.Serializer):
    """The answer to a sign-up. The same whether or not the email was registered before (the
    person is then told by email), so it carries no token: the links come by email."""

    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    waiting_position = serializers.IntegerField(
        allow_null=True, help_text="Position on the waiting list; null unless waiting_list."
    )
    detail = serializers.CharField(help_text="What to tell the person, in Danish.")


CREATED_DETAIL = {
    RegistrationStatus.CONFIRMED: "Du er tilmeldt. Du får en e-mail med din tilmelding.",
    RegistrationStatus.WAITING_LIST: (
        "Arrangementet er fuldt, så du er skrevet på ventelisten som nummer {position}. "
        "Du får en e-mail."
    ),
    RegistrationStatus.PENDING: (
        "Ansøgningen er modtaget. Lederen får en e-mail om at bekræfte forankringen, og "
        "arrangøren behandler derefter ansøgningen."
    ),
}


def created_body(status: str, waiting_position: int | None) -> dict:
    detail = CREATED_DETAIL[RegistrationStatus(status)].format(position=waiting_position)
    return {"status": status, "waiting_position": waiting_position, "detail": detail}


class RegistrationEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    api_url = serializers.URLField()


class AnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField(source="label", help_text="The question as it was asked.")
    value = serializers.JSONField(help_text="As it was sent (see the sign-up's `answers`).")
    text = serializers.CharField(help_text="The answer as a person reads it, in Danish.")


class MemberSerializer(serializers.Serializer):
    """A staff group's named participant, as the applicant named them."""

    name = serializers.CharField()
    email = serializers.EmailField()
    needs = serializers.CharField(allow_blank=True)
    answers = AnswerSerializer(
        many=True, source="answers.all", help_text="Answers to the per-participant questions."
    )


class RegistrationSerializer(serializers.Serializer):
    """A registration as its registrant sees it (by the token from their email)."""

    event = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    waiting_position = serializers.IntegerField(allow_null=True)
    offer_expires_at = serializers.SerializerMethodField(
        help_text="Until when an offered seat can be claimed (by the link in the offer's "
        "email); null unless the status is offered."
    )
    participants = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    workplace = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code")
    job_role = serializers.CharField(source="job_role.slug", allow_null=True, default=None)
    accessibility_needs = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    manager_name = serializers.CharField(allow_blank=True)
    manager_confirmed = serializers.SerializerMethodField()
    answers = AnswerSerializer(many=True, source="own_answers")
    members = MemberSerializer(many=True, source="members.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(RegistrationEventSerializer)
    def get_event(self, registration: Registration) -> dict:
        return {
            "id": registration.event_id,
            "title": registration.event.title,
            "api_url": api_url("api:event-detail", registration.event_id),
        }

    def get_manager_confirmed(self, registration: Registration) -> bool:
        return registration.manager_confirmed_at is not None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_offer_expires_at(self, registration: Registration) -> str | None:
        if registration.status != RegistrationStatus.OFFERED or not registration.offer_expires_at:
            return None
        return serializers.DateTimeField().to_representation(registration.offer_expires_at)


# --- a registrant's own changes, by the token from their emails ---------------------------


def _municipality_field(**kwargs: Any) -> CodeField:
    return CodeField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        help_text="The municipality's four-digit code (see /api/v1/municipalities/).",
        error_messages=_messages(
            "Kommune",
            does_not_exist="Kommune: “{value}” er ikke en dansk kommune. Vælg din kommune "
            "på listen.",
            invalid="Kommune: vælg din kommune på listen.",
        ),
        **kwargs,
    )


def _job_role_field(**kwargs: Any) -> CodeField:
    return CodeField(
        slug_field="slug",
        queryset=Audience.objects.all(),
        help_text="The slug of one of the centre's audiences (see /api/v1/audiences/).",
        error_messages=_messages(
            "Stillingsgruppe",
            does_not_exist="Stillingsgruppe: “{value}” er ikke en af stillingsgrupperne. "
            "Vælg en stillingsgruppe på listen.",
            invalid="Stillingsgruppe: vælg en stillingsgruppe på listen.",
        ),
        **kwargs,
    )


class RegistrationChangeSerializer(serializers.Serializer):
    """A registrant's change of their own details and answers; a field left out stays as it
    is. The email is not changed here: sending a colleague is ``transfer``."""

    name = serializers.CharField(max_length=200, required=False, error_messages=_messages("Navn"))
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, error_messages=_messages("Telefon")
    )
    workplace = serializers.CharField(
        max_length=200, required=False, error_messages=_messages("Arbejdsplads")
    )
    municipality = _municipality_field(required=False)
    job_role = _job_role_field(required=False, allow_null=True)
    accessibility_needs = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Erased once the event is over.",
        error_messages=_messages("Hensyn"),
    )
    answers = AnswersField(
        required=False,
        help_text="All the answers, replacing the registration's (as at sign-up); answers to "
        "questions hidden by their `shown_if` are dropped. Left out: the answers stay.",
    )


class RegistrationTransferSerializer(serializers.Serializer):
    """The colleague who takes the registrant's seat (or place on the waiting list)."""

    name = serializers.CharField(max_length=200, error_messages=_messages("Kollegaens navn"))
    email = serializers.EmailField(
        max_length=254,
        validators=[internet_email_for("Kollegaens e-mail")],
        error_messages=_messages(
            "Kollegaens e-mail", invalid="Kollegaens e-mail: skriv en gyldig e-mailadresse."
        ),
    )
    workplace = serializers.CharField(
        max_length=200, error_messages=_messages("Kollegaens arbejdsplads")
    )
    municipality = _municipality_field()
    job_role = _job_role_field(required=False, allow_null=True, default=None)
    consent = ConsentField(
        help_text="Must be true: the colleague knows their details are passed on, and will "
        "come in the registrant's place.",
        error_messages=_messages("Samtykke", invalid="Samtykke: angiv true eller false."),
    )

    def validate_consent(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(
                "Samtykke: bekræft, at din kollega ved, at du giver oplysningerne videre."
            )
        return value


TRANSFERRED_DETAIL = (
    "Din kollega har fået din plads og får en e-mail med sin egen tilmelding. Du er afmeldt."
)


class RegistrationTransferredSerializer(serializers.Serializer):
    """The answer to a transfer: the colleague's status, without their token (it goes to them
    by email)."""

    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    waiting_position = serializers.IntegerField(
        allow_null=True, help_text="Position on the waiting list; null unless waiting_list."
    )
    detail = serializers.CharField(help_text="What to tell the person, in Danish.")
