from django.urls import path, re_path

import api.converters  # noqa: F401 - registers the <id:…> converter
from api.views import feeds
from api.views.registrations import registrant_feed

app_name = "feeds"

urlpatterns = [
    path("events.ics", feeds.events_feed, name="events"),
    path("events/<id:pk>.ics", feeds.event_feed, name="event"),
    path("me/<str:token>.ics", registrant_feed, name="registrant"),
    re_path(r"^[\s\S]*$", feeds.not_found),  # a line break (%0A) in the path included
]
