from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from events.courses.certificate_views import certificate_patterns, verification_patterns
from events.webinars.webhooks import zoom_webhook
from home.views import healthz

# Danish pages for people (cms/views.py); the API and the feeds answer their own errors.
handler400 = "cms.views.bad_request"
handler403 = "cms.views.permission_denied"
handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.urls", namespace="api")),
    path("feeds/", include("api.feed_urls", namespace="feeds")),
    path("tilmelding/", include("events.registrations.urls", namespace="registration")),
    path("indtjekning/", include("events.courses.urls", namespace="checkin_scan")),
    path("kursusbevis/", include(certificate_patterns)),
    path("bevis/", include(verification_patterns)),
    path("evaluering/", include("events.evaluations.views", namespace="evaluations")),
    path("webhooks/zoom/", zoom_webhook, name="zoom_webhook"),
    path("widget/", include("api.widget.urls", namespace="widget")),
    path("arrangementer/", include("api.widget.page_urls", namespace="events_page")),
    # Wagtail views with no hook to scope them, replaced at their own URLs (home/areas/urls.py).
    path("admin/", include("home.areas.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving stays last; the system is headless, so pages are served to
# previewing editors only (see the API for what consuming sites get).
urlpatterns += [path("", include(wagtail_urls))]
