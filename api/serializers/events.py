"""The event resource: the one public representation of an event.

The API, the "API (JSON)" and "Visning" previews (``home.preview``) and the webhooks' ``api_url``
all read it. Each field computes its value from the page, as Wagtail's own API serializers do;
the body's blocks represent themselves (``home/blocks.py``). ``join_url`` is private (it is sent
to confirmed registrants only) and is no field here.
"""

from __future__ import annotations

from typing import Any

from django.db.models.manager import BaseManager
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.serializers.content import StreamBlockSerializer
from api.serializers.links import LinkingSerializerMixin, LinkTargetsListSerializer, api_url
from api.serializers.vocabulary import PartnerRefSerializer
from events.models import DataClass, EventPage, EventQuestion, EventSession, QuestionKind
from events.registrations.selectors import option_places_taken, registration_state
from events.selectors import events_attach_questions
from home.api_values import absolute, document_json, linked_page_ids


class CentreDateTimeField(serializers.DateTimeField):
    """A moment with the centre's offset (Django's default time zone, Europe/Copenhagen), also
    where a request has activated another zone (the admin's preview, a user's preference)."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=timezone.get_default_timezone(), **kwargs)


class SessionSerializer(serializers.Serializer):
    """One session; its location and status fall back to the event's (``context["event"]``)."""

    uuid = serializers.UUIDField(help_text="Stable for the life of the session.")
    title = serializers.CharField(allow_blank=True)
    all_day = serializers.BooleanField()
    start = CentreDateTimeField(source="starts_at", allow_null=True)
    end = CentreDateTimeField(source="ends_at", allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True, help_text="Inclusive last day.")
    location = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    sequence = serializers.IntegerField()

    def get_location(self, session: EventSession) -> str:
        return session.effective_location(self.context["event"])

    def get_status(self, session: EventSession) -> str:
        return str(session.effective_status(self.context["event"]))


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class MunicipalityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField(source="venue_name")
    address = serializers.CharField(source="venue_address")
    postcode = serializers.CharField(source="venue_postcode")
    city = serializers.CharField(source="venue_city")
    municipality = MunicipalityRefSerializer(source="venue_municipality", allow_null=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    email = serializers.CharField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")


class RegistrationStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["open", "closed", "full", "waiting_list", "not_yet_open", "cancelled"]
    )
    seats_left = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")


class QuestionOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What an answer sends: the option's stable key.")
    # The metaclass takes declared fields off the class, so this hides no attribute of a
    # serializer's own (DRF's types see a clash with ``Field.label``).
    label = serializers.CharField()  # type: ignore[assignment]
    places_left = serializers.IntegerField(
        allow_null=True,
        help_text="Places left on this option (limited_choice); null: no limit of its own.",
    )


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "Asked only when the earlier question `question` was answered with "
        "`value` (true/false for yes_no; for multiple_choice, when `value` is among those "
        "chosen); null: always asked.",
        "properties": {
            "question": {"type": "string"},
            "value": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
        },
        "required": ["question", "value"],
    }
)
class ShownIfField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, question: EventQuestion) -> dict | None:
        if not question.shown_if_question:
            return None
        return {"question": question.shown_if_question, "value": question.condition_value()}


class QuestionSerializer(serializers.Serializer):
    """One question of the sign-up form; its answer goes in the sign-up's ``answers`` under
    ``key``. The places taken come from the response's context (``places_taken``)."""

    key = serializers.CharField(help_text="Stable: survives changes to the label.")
    kind = serializers.ChoiceField(
        choices=QuestionKind.values,
        help_text="text, long_text (strings), number, date (YYYY-MM-DD), yes_no (true/false), "
        "choice and limited_choice (one option's value), multiple_choice (a list of values), "
        "municipality (a code from /api/v1/municipalities/), job_role (a slug from "
        "/api/v1/audiences/).",
    )
    # Declared fields leave the class (see QuestionOptionSerializer.label).
    label = serializers.CharField()  # type: ignore[assignment]
    help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    required = serializers.BooleanField(help_text="Required when shown.")  # type: ignore[assignment]
    options = serializers.SerializerMethodField(
        help_text="The options one may choose (choice kinds only; empty otherwise)."
    )
    shown_if = ShownIfField()
    per_participant = serializers.BooleanField(
        help_text="For a staff group: the question concerns each participant, answered per "
        "participant in the sign-up's `members[].answers`; an application that names no "
        "members answers it once for the whole group in `answers`."
    )
    data_class = serializers.ChoiceField(
        choices=DataClass.values,
        help_text="sensitive: erased the day after the event; statistical: kept anonymised; "
        "ordinary: erased with the registration's other personal data.",
    )

    @extend_schema_field(QuestionOptionSerializer(many=True))
    def get_options(self, question: EventQuestion) -> list[dict]:
        taken = self.context.get("places_taken", {})
        return [
            {
                "value": option.value,
                "label": option.label,
                "places_left": (
                    None
                    if option.places is None
                    else max(option.places - taken.get((question.key, option.value), 0), 0)
                ),
            }
            for option in question.option_list()
            if option.active
        ]


class LinksSerializer(serializers.Serializer):
    api = serializers.URLField()
    ics = serializers.URLField()
    webcal = serializers.CharField()


def event_links(pk: int) -> dict[str, str]:
    ics = absolute(reverse("feeds:event", args=[pk]))
    return {
        "api": api_url("api:event-detail", pk),
        "ics": ics,
        "webcal": "webcal://" + ics.split("://", 1)[1],
    }


def _session_order(session: EventSession) -> tuple:
    starts = session.starts_at()
    return (starts is None, starts or 0, session.sort_order or 0)


class EventListSerializer(LinkTargetsListSerializer):
    """A list of events reads all their questions, with the places their limited options
    hold, in two queries (``events_attach_questions``), not two per event."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, BaseManager) else data)
        events_attach_questions(items)
        return super().to_representation(items)


@extend_schema_serializer(component_name="Event")
class EventSerializer(LinkingSerializerMixin, serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    slug = serializers.CharField()
    event_type = serializers.CharField()
    event_type_label = serializers.SerializerMethodField()
    partner = PartnerRefSerializer()
    co_organisers = PartnerRefSerializer(many=True)
    teaser = serializers.CharField()
    body = serializers.SerializerMethodField(help_text="Typed blocks: [{type, id, value}].")
    topics = TermSerializer(many=True)
    audiences = TermSerializer(many=True)
    participation = serializers.CharField()
    format = serializers.CharField()
    venue = VenueSerializer(source="*")
    platform_name = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField(allow_null=True)
    waiting_list_enabled = serializers.BooleanField()
    registration_opens = CentreDateTimeField(allow_null=True)
    registration_closes = CentreDateTimeField(allow_null=True)
    registration = serializers.SerializerMethodField()
    price_text = serializers.CharField()
    contact = ContactSerializer(source="*")
    status = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    first_start = CentreDateTimeField(allow_null=True)
    last_end = CentreDateTimeField(allow_null=True)
    sessions = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField(
        help_text="What the sign-up asks beyond its fixed fields, in order; answers go in "
        "the sign-up's `answers` by key."
    )
    material = serializers.SerializerMethodField()
    last_published_at = CentreDateTimeField(allow_null=True)
    links = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = EventListSerializer

    def linked_page_ids(self, page: EventPage) -> set[int]:
        """The pages the body links to, and the knowledge items the event presents."""
        related = {k.pk for k in page.related_knowledge.all()}
        return linked_page_ids(streams=[page.body]) | related

    def get_event_type_label(self, page: EventPage) -> str:
        return str(page.get_event_type_display()) if page.event_type else ""

    @extend_schema_field(StreamBlockSerializer(many=True))
    def get_body(self, page: EventPage) -> list[dict]:
        return self.stream_representation(page, page.body)

    @extend_schema_field(RegistrationStateSerializer)
    def get_registration(self, page: EventPage) -> dict:
        return registration_state(page, now=timezone.now())

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, page: EventPage) -> list[dict]:
        # One session serializer for all the events of a response: a serializer builds its
        # fields when it is made, and making one per event cost a list of 20 a sixth of its
        # time (bench/api.py: 36.7 ms, 30.7 ms with one).
        if "_session_context" not in self.__dict__:
            self._session_context: dict[str, Any] = {}
            self._session_listing: serializers.ListSerializer = serializers.ListSerializer(
                child=SessionSerializer(), context=self._session_context
            )
        self._session_context["event"] = page
        listing = self._session_listing
        sessions = sorted(page.sessions.all(), key=_session_order)
        return listing.to_representation(sessions)

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, page: EventPage) -> list[dict]:
        questions = list(page.questions.all())
        if not questions:
            return []
        taken = page.__dict__.get("option_places_taken")
        if taken is None:  # a detail or a preview: this event alone
            limited = [q.key for q in questions if q.kind == QuestionKind.LIMITED_CHOICE]
            rows = option_places_taken(event_ids=[page.pk], keys=limited) if limited else {}
            taken = {(key, value): count for (_pk, key, value), count in rows.items()}
        if "_question_context" not in self.__dict__:  # one serializer per response
            self._question_context: dict[str, Any] = {}
            self._question_listing: serializers.ListSerializer = serializers.ListSerializer(
                child=QuestionSerializer(), context=self._question_context
            )
        self._question_context["places_taken"] = taken
        return self._question_listing.to_representation(questions)

    @extend_schema_field(
        {
            "type": "object",
            "description": "Recording, slides, related knowledge and evaluation, after the event.",
        }
    )
    def get_material(self, page: EventPage) -> dict:
        links = self.link_targets(page)
        return {
            "recording_url": page.recording_url,
            "slides": [document_json(slide.document, slide.title) for slide in page.slides.all()],
            "related_knowledge": [
                {
                    "id": k.pk,
                    "title": k.title,
                    "slug": k.slug,
                    "api_url": api_url("api:knowledge-detail", k.pk),
                }
                for k in page.related_knowledge.all()
                # Drafts, withdrawn and private items never leave.
                if k.live and not k.expired and links.page(k.pk) is not None
            ],
            "evaluation_url": page.evaluation_url,
        }

    @extend_schema_field(LinksSerializer)
    def get_links(self, page: EventPage) -> dict[str, str]:
        return event_links(page.pk)
