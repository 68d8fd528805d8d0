"""Knowledge items, content pages and the change log. Thin: selectors do the reading."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from wagtail.models import Page

from api.errors import ParameterError
from api.filters import KnowledgeFilter
from api.params import is_number, parse_datetime_param
from api.serializers.content import ChangeSerializer, KnowledgeSerializer, PageSerializer
from api.views.base import ERRORS, LIST_ERRORS, ReadOnlyViewSet, documented
from events.selectors import knowledge_list_with_events
from home.models import ContentChange, KnowledgePage
from home.selectors import knowledge_list_public, page_list_public

MAX_CURSOR = 2**63 - 1  # the change log's ids are 64-bit


@documented(KnowledgeSerializer)
class KnowledgeViewSet(ReadOnlyViewSet):
    serializer_class = KnowledgeSerializer
    filterset_class = KnowledgeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return KnowledgePage.objects.none()
        return knowledge_list_with_events(knowledge_list_public())


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
        responses={200: PageSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(responses={200: PageSerializer, **ERRORS}),
)
class PageViewSet(ReadOnlyViewSet):
    """Content pages (the home page and common pages), by id or by ``?path=``."""

    serializer_class = PageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Page.objects.none()
        queryset = page_list_public()
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
    return PageSerializer().get_path(page)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Changes at or after."),
            OpenApiParameter(
                "after", OpenApiTypes.INT, description="Changes after this cursor (exclusive)."
            ),
        ],
        responses={200: ChangeSerializer(many=True), **LIST_ERRORS},
    )
)
class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Everything that was published, changed, moved, unpublished or deleted, oldest first.

    A mirroring site keeps the last ``cursor`` it saw and asks for ``?after=<cursor>``; rows
    with ``action`` ``unpublished`` or ``deleted`` are tombstones: drop the object.
    """

    serializer_class = ChangeSerializer

    def get_queryset(self):
        queryset = ContentChange.objects.order_by("id")
        params = self.request.query_params
        if "since" in params:
            queryset = queryset.filter(changed_at__gte=parse_datetime_param("since", params))
        if "after" in params:
            if not is_number(params["after"]) or int(params["after"]) > MAX_CURSOR:
                raise ParameterError("after", _("after skal være et helt tal (en cursor)."))
            queryset = queryset.filter(id__gt=int(params["after"]))
        return queryset
