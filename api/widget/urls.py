from django.urls import path

from api.widget.views import widget_loader, widget_module_view

app_name = "widget"

urlpatterns = [
    path("v1.js", widget_loader, name="loader"),
    path("events.<slug:digest>.js", widget_module_view, name="module"),
]
