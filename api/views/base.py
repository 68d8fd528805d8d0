"""Read endpoints of the API (events in api/event_views.py). Thin: selectors do the reading."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets

from api.errors import ErrorSerializer
from api.params import is_number

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

    MAX_ID = 2**31 - 1  # page ids are 32-bit: a larger one names nothing (and overflows SQLite)

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_field)
        if lookup is not None and not (is_number(str(lookup)) and int(lookup) <= self.MAX_ID):
            raise Http404
        return super().get_object()
