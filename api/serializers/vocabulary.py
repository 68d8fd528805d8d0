"""The vocabulary resources: partners, topics, audiences, municipalities."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from home.api_values import (
    image_json,
)
from home.models import Audience, Municipality, Partner, Topic


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "slug", "description"]


class AudienceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audience
        fields = ["id", "name", "slug", "description"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    region_code = serializers.CharField(source="region.code")

    class Meta:
        model = Municipality
        fields = ["id", "code", "name", "region", "region_code"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(#[0-9a-fA-F]{6})?$",
        "description": "The partner's colour, #rrggbb, legible on white (contrast at least "
        "4.5:1): the widget's theme for its events. Empty when none is chosen.",
    }
)
class ColourField(serializers.CharField):
    """A partner's colour. Declared, not derived from the model, whose validator would give
    the schema a pattern that "" (no colour chosen) does not match."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class PartnerRefSerializer(serializers.ModelSerializer):
    colour = ColourField()

    class Meta:
        model = Partner
        fields = ["id", "slug", "name", "short_name", "colour"]


class PartnerSerializer(serializers.ModelSerializer):
    colour = ColourField()
    logo = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "id", "slug", "name", "short_name", "colour", "website", "role", "is_coordinator",
            "logo",
        ]  # fmt: skip

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "Renditions with url, width, height and alt; null without a logo.",
        }
    )
    def get_logo(self, partner: Partner) -> dict | None:
        return image_json(partner.logo)
