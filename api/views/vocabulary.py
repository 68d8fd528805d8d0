"""The vocabulary endpoints: partners, topics, audiences, municipalities (whole lists)."""

from __future__ import annotations

from api.serializers.vocabulary import (
    AudienceSerializer,
    MunicipalitySerializer,
    PartnerSerializer,
    TopicSerializer,
)
from api.views.base import ReadOnlyViewSet, documented
from home.models import Audience, Municipality, Partner, Topic


@documented(PartnerSerializer)
class PartnerViewSet(ReadOnlyViewSet):
    serializer_class = PartnerSerializer
    queryset = Partner.objects.select_related("logo").order_by("name")
    pagination_class = None


@documented(TopicSerializer)
class TopicViewSet(ReadOnlyViewSet):
    serializer_class = TopicSerializer
    queryset = Topic.objects.order_by("name")
    pagination_class = None


@documented(AudienceSerializer)
class AudienceViewSet(ReadOnlyViewSet):
    serializer_class = AudienceSerializer
    queryset = Audience.objects.order_by("name")
    pagination_class = None


@documented(MunicipalitySerializer)
class MunicipalityViewSet(ReadOnlyViewSet):
    serializer_class = MunicipalitySerializer
    queryset = Municipality.objects.select_related("region").order_by("name")
    pagination_class = None
