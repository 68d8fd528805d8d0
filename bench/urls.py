"""The project's URLs plus Wagtail's own API v2 pages endpoint, for comparison only."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as project_urlpatterns

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [path("wagtail-api/v2/", wagtail_api.urls), *project_urlpatterns]
