"""The check-in code's own page, where a confirmation's QR code leads (outside the admin, so a
phone that is not logged in gets a Danish answer instead of the admin's login redirect)."""

from django.urls import path

from events.courses import scan_views

app_name = "checkin_scan"

urlpatterns = [
    path("<str:token>/", scan_views.scan, name="scan"),
    path("<str:token>/qr.png", scan_views.qr, name="qr"),
]
