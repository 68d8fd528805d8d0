"""Knowledge items, content pages and the change log."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.links import LinkingSerializerMixin, LinkTargetsListSerializer, api_url
from api.serializers.vocabulary import AudienceSerializer, PartnerRefSerializer, TopicSerializer
from home.api_values import (
    document_json,
    linked_page_ids,
)
from home.models import ContentChange, KnowledgePage


class KeyFindingSerializer(serializers.Serializer):
    figure = serializers.CharField()
    statement = serializers.CharField()
    # The metaclass takes declared fields off the class, so this does not hide ``source``.
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()
    file_extension = serializers.CharField()
    file_size = serializers.IntegerField(allow_null=True)


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    api_url = serializers.URLField()


class KnowledgeSerializer(LinkingSerializerMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    authors = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    key_findings = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    partner = PartnerRefSerializer(allow_null=True)
    topics = TopicSerializer(many=True)
    audiences = AudienceSerializer(many=True)
    related_events = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgePage
        fields = [
            "id", "title", "slug", "kind", "kind_label", "authors", "year", "summary",
            "key_findings", "documents", "external_url", "partner", "topics", "audiences",
            "related_events", "first_published_at", "last_published_at", "api_url",
        ]  # fmt: skip
        list_serializer_class = LinkTargetsListSerializer

    def linked_page_ids(self, page: KnowledgePage) -> set[int]:
        return linked_page_ids(rich_texts=[page.summary])

    def get_authors(self, page: KnowledgePage) -> list[str]:
        return [name.strip() for name in page.authors.split(",") if name.strip()]

    def get_summary(self, page: KnowledgePage) -> str:
        return self.link_targets(page).rich_text_html(page.summary)

    @extend_schema_field(KeyFindingSerializer(many=True))
    def get_key_findings(self, page: KnowledgePage) -> list[dict]:
        return [
            {
                "figure": block.value["figure"],
                "statement": block.value["statement"],
                "source": block.value.get("source") or "",
            }
            for block in page.key_findings
        ]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, page: KnowledgePage) -> list[dict]:
        return [document_json(item.document, item.title) for item in page.documents.all()]

    @extend_schema_field(EventRefSerializer(many=True))
    def get_related_events(self, page: KnowledgePage) -> list[dict]:
        events = getattr(page, "public_events", None)
        if events is None:
            return []
        return [
            {"id": e.pk, "title": e.title, "api_url": api_url("api:event-detail", e.pk)}
            for e in events
        ]

    def get_api_url(self, page: KnowledgePage) -> str:
        return api_url("api:knowledge-detail", page.pk)


class StreamBlockSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    value = serializers.JSONField()


class PageSerializer(LinkingSerializerMixin, serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.SerializerMethodField()
    title = serializers.CharField()
    slug = serializers.CharField()
    path = serializers.SerializerMethodField()
    intro = serializers.CharField()
    body = serializers.SerializerMethodField()
    seo_title = serializers.CharField()
    search_description = serializers.CharField()
    first_published_at = serializers.DateTimeField()
    last_published_at = serializers.DateTimeField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = LinkTargetsListSerializer

    def linked_page_ids(self, page) -> set[int]:
        return linked_page_ids(streams=[page.body])

    def get_type(self, page) -> str:
        return type(page).__name__

    def get_path(self, page) -> str:
        """The page's path below the site root, e.g. ``/om-videnscentret/``."""
        parts = page.url_path.strip("/").split("/")[1:]
        return "/" + "/".join(parts) + ("/" if parts else "")

    @extend_schema_field(StreamBlockSerializer(many=True))
    def get_body(self, page) -> list[dict]:
        return self.stream_representation(page, page.body)

    def get_api_url(self, page) -> str:
        return api_url("api:page-detail", page.pk)


class ChangeSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="object_type")
    id = serializers.IntegerField(source="object_id")
    cursor = serializers.IntegerField(source="pk")

    class Meta:
        model = ContentChange
        fields = ["cursor", "type", "id", "action", "changed_at"]
