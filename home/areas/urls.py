"""Wagtail admin views the centre replaces at their own URLs, because Wagtail gives no hook to
scope them; ``cms/urls.py`` includes these ahead of Wagtail's admin."""

from home.areas import scoping as admin_scoping
from home.areas import tags as admin_tags
from home.areas import workflow as admin_workflow

urlpatterns = admin_scoping.urlpatterns + admin_tags.urlpatterns + admin_workflow.urlpatterns
