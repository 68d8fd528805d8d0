"""What a recorded change sets off beyond this app's own caches: webhooks and the CDN purge.

Every publish, unpublish, move and delete writes a ``home.ContentChange`` row in its own
transaction (home/signal_handlers.py); hanging on that row's creation puts the webhook
deliveries in the same transaction, and hands the purge to a worker once it commits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse

from api.webhooks import webhook_deliveries_create
from home.models import ContentChange

DETAIL_ROUTES = {
    "event": "api:event-detail",
    "knowledge": "api:knowledge-detail",
    "page": "api:page-detail",
    "partner": "api:partner-detail",
    "topic": "api:topic-detail",
    "audience": "api:audience-detail",
    "municipality": "api:municipality-detail",
}


def cdn_urls(change: ContentChange) -> list[str]:
    """The public URLs whose cached copies a change makes stale: the object, its list, and for
    events the calendar feeds. (Lists with query strings age out within their s-maxage.)"""
    route = DETAIL_ROUTES.get(change.object_type)
    if route is None:
        return []
    paths = [
        reverse(route, kwargs={"pk": change.object_id}),
        reverse(route.replace("-detail", "-list")),
        reverse("api:change-list"),
    ]
    if change.object_type == "event":
        paths += ["/feeds/events.ics", f"/feeds/events/{change.object_id}.ics"]
    return [settings.BASE_URL + path for path in paths]


def cdn_purge_on_commit(urls: list[str]) -> None:
    """Wagtail's purge runs as a django-tasks task (on the django-q2 workers in production)."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    transaction.on_commit(lambda: purge_urls_from_cache(urls), robust=True)


def on_change_recorded(sender, instance: ContentChange, created: bool, raw: bool = False, **kw):
    if not created or raw:
        return
    webhook_deliveries_create(change=instance)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        urls = cdn_urls(instance)
        if urls:
            cdn_purge_on_commit(urls)


def connect() -> None:
    post_save.connect(on_change_recorded, sender=ContentChange, dispatch_uid="api_change_recorded")
