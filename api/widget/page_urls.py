"""The hosted Danish events page: ``/arrangementer/`` and ``/arrangementer/<id>/``."""

from django.urls import path

import api.converters  # noqa: F401 - registers the <id:…> converter
from api.widget.pages import event_page, events_page

app_name = "events_page"

urlpatterns = [
    path("", events_page, name="list"),
    path("<id:pk>/", event_page, name="detail"),
]
