from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

import api.converters  # noqa: F401 - registers the <id:…> converter
from api.errors import not_found
from api.views.content import ChangeViewSet, KnowledgeViewSet, PageViewSet
from api.views.events import EventViewSet
from api.views.index import api_index
from api.views.privacy import PrivacyView
from api.views.registrations import (
    EventRegistrationsView,
    RegistrationByTokenView,
    RegistrationChangeView,
    RegistrationTransferView,
)
from api.views.vocabulary import AudienceViewSet, MunicipalityViewSet, PartnerViewSet, TopicViewSet

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("events", EventViewSet, basename="event")
router.register("knowledge", KnowledgeViewSet, basename="knowledge")
router.register("pages", PageViewSet, basename="page")
router.register("partners", PartnerViewSet, basename="partner")
router.register("topics", TopicViewSet, basename="topic")
router.register("audiences", AudienceViewSet, basename="audience")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("changes", ChangeViewSet, basename="change")

urlpatterns = [
    path("", api_index, name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path(
        "events/<id:id>/registrations/",
        EventRegistrationsView.as_view(),
        name="event-registrations",
    ),
    path(
        "registrations/<str:token>/",
        RegistrationByTokenView.as_view(),
        name="registration-detail",
    ),
    path(
        "registrations/<str:token>/change/",
        RegistrationChangeView.as_view(),
        name="registration-change",
    ),
    path(
        "registrations/<str:token>/transfer/",
        RegistrationTransferView.as_view(),
        name="registration-transfer",
    ),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, whatever the method: without this, an unknown
    # path fell through to Wagtail's page serving (a CSRF 403 page for a POST). ``[\s\S]``, not
    # ``.`` (and no ``(?s)``, which reverse() refuses): a line break (``%0A``) is anything too.
    re_path(r"^[\s\S]*$", not_found),
]
