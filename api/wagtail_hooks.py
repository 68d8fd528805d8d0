"""Webhooks in the admin: the endpoints (coordinators manage them, a partner's people see their
own; ``api/webhooks/endpoint_admin.py``) and the delivery log with its filters and "Send igen"
(``api/webhooks/delivery_admin.py``), registered here with the failed-deliveries panel; and the
widget's code for each partner's site, with its live preview (``api/widget/admin.py``)."""

from __future__ import annotations

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from api.dashboard import FailedDeliveriesPanel
from api.webhooks.delivery_admin import WebhookDeliveryViewSet
from api.webhooks.endpoint_admin import (
    ROTATE_ACTION,
    WebhookEndpointViewSet,
)
from api.webhooks.permissions import register_policies
from api.widget import admin as widget_admin

register_policies()


class WebhooksGroup(ViewSetGroup):
    menu_label = _("Webhooks")
    menu_icon = "link-external"
    menu_order = 330
    items = (WebhookEndpointViewSet, WebhookDeliveryViewSet)


@hooks.register("register_log_actions")
def register_webhook_log_actions(actions):
    actions.register_action(ROTATE_ACTION, _("Forny hemmelighed"), _("Hemmelighed fornyet"))


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    return WebhooksGroup()


@hooks.register("construct_homepage_panels")
def add_failed_deliveries_panel(request, panels):
    panels.append(FailedDeliveriesPanel(request))


@hooks.register("register_admin_urls")
def register_widget_admin_urls():
    return [path("widget/", include((widget_admin.urlpatterns(), "widget_admin")))]


@hooks.register("register_admin_menu_item")
def register_widget_menu_item():
    return widget_admin.menu_item()
