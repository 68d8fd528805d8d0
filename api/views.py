"""Read endpoints of the API (events in api/event_views.py). Thin: selectors do the reading."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.models import Page

from api import serializers
from api.errors import ErrorSerializer, ParameterError
from api.filters import KnowledgeFilter
from api.params import parse_datetime_param
from home import selectors
from home.models import Audience, ContentChange, KnowledgePage, Municipality, Partner, Topic

ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description="A parameter has a value the API cannot use."
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such published object."),
    503: OpenApiResponse(ErrorSerializer, description="The database is unavailable; try again."),
}
LIST_ERRORS = {k: v for k, v in ERRORS.items() if k != 404}


def documented(list_serializer, detail_serializer=None):
    detail_serializer = detail_serializer or list_serializer
    return extend_schema_view(
        list=extend_schema(responses={200: list_serializer(many=True), **LIST_ERRORS}),
        retrieve=extend_schema(responses={200: detail_serializer, **ERRORS}),
    )


MAX_CURSOR = 2**63 - 1  # the change log's ids are 64-bit


def _is_number(raw: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²" and "١", which ``int`` then refuses."""
    return raw.isascii() and raw.isdigit()


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail, anonymous, JSON only."""

    MAX_ID = 2**31 - 1  # page ids are 32-bit: a larger one names nothing (and overflows SQLite)

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_field)
        if lookup is not None and not (_is_number(str(lookup)) and int(lookup) <= self.MAX_ID):
            raise Http404
        return super().get_object()


@documented(serializers.PartnerSerializer)
class PartnerViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PartnerSerializer
    queryset = Partner.objects.select_related("logo").order_by("name")
    pagination_class = None


@documented(serializers.TopicSerializer)
class TopicViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TopicSerializer
    queryset = Topic.objects.order_by("name")
    pagination_class = None


@documented(serializers.AudienceSerializer)
class AudienceViewSet(ReadOnlyViewSet):
    serializer_class = serializers.AudienceSerializer
    queryset = Audience.objects.order_by("name")
    pagination_class = None


@documented(serializers.MunicipalitySerializer)
class MunicipalityViewSet(ReadOnlyViewSet):
    serializer_class = serializers.MunicipalitySerializer
    queryset = Municipality.objects.select_related("region").order_by("name")
    pagination_class = None


@documented(serializers.KnowledgeSerializer)
class KnowledgeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.KnowledgeSerializer
    filterset_class = KnowledgeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return KnowledgePage.objects.none()
        return selectors.knowledge_list_with_events(selectors.knowledge_list_public())


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "path",
                OpenApiTypes.STR,
                description="A page's path below the site root, e.g. /om-videnscentret/",
            ),
            OpenApiParameter("modified_since", OpenApiTypes.DATETIME),
        ],
        responses={200: serializers.PageSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(responses={200: serializers.PageSerializer, **ERRORS}),
)
class PageViewSet(ReadOnlyViewSet):
    """Content pages (the home page and common pages), by id or by ``?path=``."""

    serializer_class = serializers.PageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Page.objects.none()
        queryset = selectors.page_list_public()
        params = self.request.query_params
        if "modified_since" in params:
            queryset = queryset.filter(
                last_published_at__gte=parse_datetime_param("modified_since", params)
            )
        path = params.get("path")
        if path is not None and not path.isprintable():
            raise ParameterError("path", _("path skal være en sti som /om-videnscentret/."))
        if path is not None:
            queryset = [page for page in queryset if page_path(page) == normalise_path(path)]
        return queryset


def normalise_path(path: str) -> str:
    path = "/" + path.strip().strip("/")
    return path if path == "/" else path + "/"


def page_path(page) -> str:
    return serializers.PageSerializer().get_path(page)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Changes at or after."),
            OpenApiParameter(
                "after", OpenApiTypes.INT, description="Changes after this cursor (exclusive)."
            ),
        ],
        responses={200: serializers.ChangeSerializer(many=True), **LIST_ERRORS},
    )
)
class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Everything that was published, changed, moved, unpublished or deleted, oldest first.

    A mirroring site keeps the last ``cursor`` it saw and asks for ``?after=<cursor>``; rows
    with ``action`` ``unpublished`` or ``deleted`` are tombstones: drop the object.
    """

    serializer_class = serializers.ChangeSerializer

    def get_queryset(self):
        queryset = ContentChange.objects.order_by("id")
        params = self.request.query_params
        if "since" in params:
            queryset = queryset.filter(changed_at__gte=parse_datetime_param("since", params))
        if "after" in params:
            if not _is_number(params["after"]) or int(params["after"]) > MAX_CURSOR:
                raise ParameterError("after", _("after skal være et helt tal (en cursor)."))
            queryset = queryset.filter(id__gt=int(params["after"]))
        return queryset


INDEX_RESOURCES = (
    ("events", "api:event-list", "Published events with sessions and registration state."),
    ("knowledge", "api:knowledge-list", "Knowledge items: findings, documents, related events."),
    ("pages", "api:page-list", "Content pages, by id or ?path=."),
    ("partners", "api:partner-list", "The centre's partners."),
    ("topics", "api:topic-list", "Topics (vocabulary)."),
    ("audiences", "api:audience-list", "Audiences (vocabulary)."),
    ("municipalities", "api:municipality-list", "Municipalities and their regions."),
    ("changes", "api:change-list", "Everything published, changed or removed, for mirroring."),
)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_index(request):
    """``/api/v1/``: what the API holds and where it is described, for a newcomer's first
    request (``make run`` prints this URL)."""
    base = settings.BASE_URL
    return Response(
        {
            "name": settings.SPECTACULAR_SETTINGS["TITLE"],
            "version": settings.SPECTACULAR_SETTINGS["VERSION"],
            "resources": {
                name: {"url": base + reverse(route), "description": description}
                for name, route, description in INDEX_RESOURCES
            },
            "schema": base + reverse("api:schema"),
            "docs": {
                "swagger": base + reverse("api:docs"),
                "redoc": base + reverse("api:redoc"),
            },
            "feeds": {
                "events": base + reverse("feeds:events"),
                "event": base + reverse("feeds:event", args=[0]).replace("/0.ics", "/{id}.ics"),
            },
        }
    )
