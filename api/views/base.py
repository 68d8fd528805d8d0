"""What every read endpoint shares: anonymous list and detail over JSON, and the errors each
documents. Thin: selectors do the reading."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets

from api.errors import ErrorSerializer

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


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail, anonymous, JSON only."""

    # The detail route takes only an id in range (api/converters.py); anything else is the
    # catch-all's 404 before a query is made.
    lookup_value_converter = "id"
