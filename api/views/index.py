"""``/api/v1/`` itself: an index linking every resource, the schema, the docs and the feeds."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

INDEX_RESOURCES = (
    ("events", "api:event-list", "Published events with sessions and registration state."),
    ("knowledge", "api:knowledge-list", "Knowledge items: findings, documents, related events."),
    ("pages", "api:page-list", "Content pages, by id or ?path=."),
    ("partners", "api:partner-list", "The centre's partners."),
    ("topics", "api:topic-list", "Topics (vocabulary)."),
    ("audiences", "api:audience-list", "Audiences (vocabulary)."),
    ("municipalities", "api:municipality-list", "Municipalities and their regions."),
    ("changes", "api:change-list", "Everything published, changed or removed, for mirroring."),
    ("privacy", "api:privacy", "The privacy text a sign-up consents to, and its version."),
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
