from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import views
from api.errors import not_found
from api.event_views import EventViewSet
from api.registration_views import EventRegistrationsView, RegistrationByTokenView

app_name = "api"

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("knowledge", views.KnowledgeViewSet, basename="knowledge")
router.register("pages", views.PageViewSet, basename="page")
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("audiences", views.AudienceViewSet, basename="audience")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("changes", views.ChangeViewSet, basename="change")

urlpatterns = [
    path("", views.api_index, name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path(
        "events/<int:id>/registrations/",
        EventRegistrationsView.as_view(),
        name="event-registrations",
    ),
    path(
        "registrations/<str:token>/",
        RegistrationByTokenView.as_view(),
        name="registration-detail",
    ),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, whatever the method: without this, an unknown
    # path fell through to Wagtail's page serving (a CSRF 403 page for a POST).
    re_path(r"^.*$", not_found),
]
