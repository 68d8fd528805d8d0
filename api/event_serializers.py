"""The event resource: the shared public representation, plus what only the API adds."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from api.blocks import absolute, document_json, linked_page_ids, stream_json
from api.serializers import LinkingSerializerMixin, LinkTargetsListSerializer, PartnerRefSerializer
from events.representation import event_public_dict
from events.selectors import registration_state


class SessionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="Stable for the life of the session.")
    title = serializers.CharField(allow_blank=True)
    all_day = serializers.BooleanField()
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True, help_text="Inclusive last day.")
    location = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    sequence = serializers.IntegerField()


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class RegistrationStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["open", "closed", "full", "waiting_list", "not_yet_open", "cancelled"]
    )
    seats_left = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")


class LinksSerializer(serializers.Serializer):
    api = serializers.URLField()
    ics = serializers.URLField()
    webcal = serializers.CharField()


@extend_schema_serializer(component_name="Event")
class EventSerializer(LinkingSerializerMixin, serializers.Serializer):
    """Read-only: built from ``events.representation.event_public_dict``."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    event_type = serializers.CharField()
    event_type_label = serializers.CharField()
    partner = PartnerRefSerializer()
    co_organisers = PartnerRefSerializer(many=True)
    teaser = serializers.CharField()
    body = serializers.JSONField(help_text="Typed blocks: [{type, id, value}].")
    topics = TermSerializer(many=True)
    audiences = TermSerializer(many=True)
    participation = serializers.CharField()
    format = serializers.CharField()
    venue = serializers.JSONField()
    platform_name = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField(allow_null=True)
    waiting_list_enabled = serializers.BooleanField()
    registration_opens = serializers.DateTimeField(allow_null=True)
    registration_closes = serializers.DateTimeField(allow_null=True)
    registration = RegistrationStateSerializer()
    price_text = serializers.CharField()
    contact = serializers.JSONField()
    status = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    first_start = serializers.DateTimeField(allow_null=True)
    last_end = serializers.DateTimeField(allow_null=True)
    sessions = SessionSerializer(many=True)
    material = serializers.JSONField()
    last_published_at = serializers.DateTimeField(allow_null=True)
    links = LinksSerializer()

    class Meta:
        list_serializer_class = LinkTargetsListSerializer

    def linked_page_ids(self, page) -> set[int]:
        """The pages the body links to, and the knowledge items the event presents."""
        related = {k.pk for k in page.related_knowledge.all()}
        return linked_page_ids(streams=[page.body]) | related

    def to_representation(self, page):
        data = event_public_dict(page)
        links = self.links(page)
        data["body"] = stream_json(page.body, links)
        data["material"]["slides"] = [
            document_json(slide.document, slide.title) for slide in page.slides.all()
        ]
        data["material"]["related_knowledge"] = [
            {**item, "api_url": absolute(reverse("api:knowledge-detail", args=[item["id"]]))}
            for item in data["material"]["related_knowledge"]
            if links.page(item["id"]) is not None
        ]
        data["last_published_at"] = (
            timezone.localtime(page.last_published_at).isoformat()
            if page.last_published_at
            else None
        )
        data["registration"] = registration_state(page, now=timezone.now())
        data["links"] = event_links(page.pk)
        return data


def event_links(pk: int) -> dict[str, str]:
    ics = absolute(reverse("feeds:event", args=[pk]))
    return {
        "api": absolute(reverse("api:event-detail", args=[pk])),
        "ics": ics,
        "webcal": "webcal://" + ics.split("://", 1)[1],
    }
