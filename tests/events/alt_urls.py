"""Another URLconf, for ``test_registration_links``: the registrant's pages under another path."""

from django.urls import include, path

urlpatterns = [path("andet/", include("events.registrations.urls", namespace="registration"))]
