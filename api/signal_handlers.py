"""What a recorded change sets off beyond this app's own caches: webhooks and the CDN purge;
what a change of seats sets off: the API's validators and the CDN purge of the event; and
which cross-origin requests django-cors-headers lets through besides the partners' (api/cors.py).

Every publish, unpublish, move and delete writes a ``home.ContentChange`` row in its own
transaction (home/signal_handlers.py); hanging on that row's creation puts the webhook
deliveries in the same transaction, and hands the purge to a worker once it commits.
"""

from __future__ import annotations

from functools import partial

from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from api.cdn.tasks import CDN_PURGE_LEASE
from api.cors import is_public_read
from api.seat_versions import seats_changed
from api.webhooks.services import webhook_deliveries_create
from events.models import GroupMember, Registration
from events.signals import event_places_changed
from home.models import ContentChange
from home.outbox import enqueue_on_commit

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


def event_seat_urls(event_id: int) -> list[str]:
    """Where ``seats_left`` of an event is shown: its API answer and the events list. (The
    feeds do not show seats.)"""
    paths = [reverse("api:event-detail", kwargs={"pk": event_id}), reverse("api:event-list")]
    return [settings.BASE_URL + path for path in paths]


def _cdn() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def on_change_recorded(sender, instance: ContentChange, created: bool, raw: bool = False, **kw):
    """Webhooks go out after the CDN purge of the same change (done or failed), so a receiver
    that fetches ``api_url`` at once through the CDN gets the new content: the purge task hands
    the deliveries out; if it dies, they fall due after its lease and the sweeper sends them."""
    if not created or raw:
        return
    urls = cdn_urls(instance) if _cdn() else []
    if not urls:
        webhook_deliveries_create(change=instance)
        return
    delivery_ids = webhook_deliveries_create(change=instance, held_for=CDN_PURGE_LEASE)
    enqueue_on_commit("api.cdn.tasks.cdn_purge", urls, delivery_ids)


SEAT_FIELDS = {"status", "participants", "event"}


def on_registration_changed(sender, instance, created: bool = False, raw: bool = False, **kw):
    """A sign-up, cancellation or promotion changes ``seats_left`` without a publish: once it
    has committed, the API's validators and shared cache move on (``seats_changed``) and
    the CDN drops the event's answers. No change-log row: seats are live state, not content a
    mirror must re-read (``seats_left`` is read from the event itself)."""
    if raw:
        return
    update_fields = kw.get("update_fields")
    if not created and update_fields is not None and not SEAT_FIELDS & set(update_fields):
        return  # personal data, attendance, a manager's confirmation: no seat moved
    on_seats_changed(sender, event_id=instance.event_id)


def on_member_changed(sender, instance: GroupMember, raw: bool = False, **kw):
    """A staff group's named participant added, changed or removed: their answers hold places
    of the event's options (a group's own answer held one per participant before)."""
    if raw:
        return
    event_id = (
        Registration.objects.filter(pk=instance.registration_id)
        .values_list("event_id", flat=True)
        .first()
    )
    if event_id is not None:
        on_seats_changed(sender, event_id=event_id)


def on_seats_changed(sender, event_id: int, **kw):
    """Once the change has committed, the event's seats version moves on, and the CDN drops
    the event's answers."""
    transaction.on_commit(partial(seats_changed, event_id), robust=True)
    if _cdn():
        enqueue_on_commit("api.cdn.tasks.cdn_purge", event_seat_urls(event_id), [])


def on_cors_check(sender, request, **kw) -> bool:
    """Any origin may read what is public; the rest is for ``CORS_ALLOWED_ORIGINS``."""
    return is_public_read(request)


def connect() -> None:
    check_request_enabled.connect(on_cors_check, dispatch_uid="api_cors_public_read")
    post_save.connect(on_change_recorded, sender=ContentChange, dispatch_uid="api_change_recorded")
    post_save.connect(
        on_registration_changed, sender=Registration, dispatch_uid="api_registration_saved"
    )
    post_delete.connect(
        on_registration_changed, sender=Registration, dispatch_uid="api_registration_deleted"
    )
    event_places_changed.connect(on_seats_changed, dispatch_uid="api_event_places_changed")
    post_save.connect(on_member_changed, sender=GroupMember, dispatch_uid="api_member_saved")
    post_delete.connect(on_member_changed, sender=GroupMember, dispatch_uid="api_member_deleted")
