"""The project's URLs plus Wagtail's own API v2 pages endpoint, for comparison only.

The project serves no Wagtail API v2 and its models declare no ``api_fields``; the peer gets them
here, the same fields the events API answers with, so ``fields=*`` is a like-for-like list.
"""

from django.urls import path
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as project_urlpatterns
from events.models import EventPage, EventSession

EVENT_FIELDS = (
    "event_type", "teaser", "body", "topics", "audiences", "co_organisers", "participation",
    "format", "venue_name", "venue_address", "venue_postcode", "venue_city", "venue_municipality",
    "platform_name", "capacity", "waiting_list_enabled", "registration_opens",
    "registration_closes", "price_text", "contact_name", "contact_email", "contact_phone",
    "status", "status_reason", "first_start", "last_end", "sessions", "slides",
    "related_knowledge", "recording_url", "evaluation_url", "partner",
)  # fmt: skip
SESSION_FIELDS = (
    "uuid", "title", "all_day", "start", "end", "start_date", "end_date", "location", "status",
    "sequence",
)  # fmt: skip
EventPage.api_fields = [APIField(name) for name in EVENT_FIELDS]
EventSession.api_fields = [APIField(name) for name in SESSION_FIELDS]

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [path("wagtail-api/v2/", wagtail_api.urls), *project_urlpatterns]
