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


class PartnerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "slug", "name", "short_name"]


class PartnerSerializer(serializers.ModelSerializer):
    logo = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = ["id", "slug", "name", "short_name", "website", "role", "is_coordinator", "logo"]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "Renditions with url, width, height and alt; null without a logo.",
        }
    )
    def get_logo(self, partner: Partner) -> dict | None:
        return image_json(partner.logo)
