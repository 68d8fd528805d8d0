"""The events endpoints: published events with their sessions, filtered by ``EventFilter``."""

from __future__ import annotations

from django.http import Http404

from api.filters import EventFilter
from api.serializers.events import EventSerializer
from api.views.base import ReadOnlyViewSet, documented
from events.models import EventPage
from events.selectors import event_list_public, events_attach_terms


@documented(EventSerializer)
class EventViewSet(ReadOnlyViewSet):
    """Published events with their sessions; ``id`` is the Wagtail page id."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return EventPage.objects.none()
        return event_list_public()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            events_attach_terms(page, version=getattr(self.request, "content_version", None))
            # Which events this page shows: its validator then follows their seats only
            # (api/seat_versions.py), read by the caching middleware from the plain request.
            self.request._request.listed_event_ids = tuple(e.pk for e in page)  # type: ignore[attr-defined]
        return page

    def get_object(self):
        try:
            event = super().get_object()
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
        events_attach_terms([event], version=getattr(self.request, "content_version", None))
        return event
