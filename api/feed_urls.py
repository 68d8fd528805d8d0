from django.urls import path, re_path

from api.views import feeds
from api.views.registrations import registrant_feed

app_name = "feeds"

urlpatterns = [
    path("events.ics", feeds.events_feed, name="events"),
    path("events/<int:pk>.ics", feeds.event_feed, name="event"),
    path("me/<str:token>.ics", registrant_feed, name="registrant"),
    re_path(r"^.*$", feeds.not_found),
]
