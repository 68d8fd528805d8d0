"""Receivers of Wagtail's page signals for events: the publish that fans out to registrants."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published

from events.mail.event_notices import event_changes_notify, follow_up_notify
from events.models import EventPage, GroupMember, Registration, RegistrationStatus
from events.registrations.services import registration_waiting_list_advance
from events.services import event_sessions_record_publish
from events.webinars.registrants import registrants_follow
from events.webinars.services import webinar_meetings_drop, webinar_meetings_sync


def on_event_published(sender, instance: EventPage, **kwargs) -> None:
    # Inside the publish's transaction: the emails commit (and go out) with the publish, or not.
    changed = event_sessions_record_publish(event=instance)
    event_changes_notify(event=instance, sessions=changed)
    follow_up_notify(event=instance)
    # More seats (a raised or removed capacity) go to the waiting list at once.
    registration_waiting_list_advance(event=instance)
    # Meetings on Zoom or Teams: rows and tasks only; the platform is called after the commit.
    webinar_meetings_sync(event=instance)


def on_event_deleted(sender, instance: EventPage, **kwargs) -> None:
    # The meetings outlive the page's rows (their event and session become null) until the
    # platform has deleted them.
    webinar_meetings_drop(event_id=instance.pk)


def on_registration_saved(sender, instance: Registration, **kwargs) -> None:
    # Confirmed, cancelled, a new address: the person's place in the event's Zoom meetings
    # follows, as rows written in the same transaction (Zoom is called after the commit).
    if kwargs.get("created") and instance.status != RegistrationStatus.CONFIRMED:
        # New, and not confirmed: nobody to register and no rows yet, so nothing to follow
        # (saves a sign-up to the waiting list a query while it holds the event's lock).
        return
    if kwargs.get("zoom_meetings") is False:
        # A sign-up read, under the event's lock and in its transaction, that the event has
        # no Zoom meeting (``events.registrations.signups``): nothing to follow, no query.
        return
    registrants_follow(registration=instance)


def on_member_changed(sender, instance: GroupMember, **kwargs) -> None:
    try:
        registration = Registration.objects.get(pk=instance.registration_id)
    except Registration.DoesNotExist:
        return  # the whole registration is going
    registrants_follow(registration=registration)


def register_signal_handlers() -> None:
    post_save.connect(
        on_registration_saved, sender=Registration, dispatch_uid="events_webinar_registrants"
    )
    post_save.connect(
        on_member_changed, sender=GroupMember, dispatch_uid="events_webinar_members_saved"
    )
    post_delete.connect(
        on_member_changed, sender=GroupMember, dispatch_uid="events_webinar_members_deleted"
    )
    pre_delete.connect(on_event_deleted, sender=EventPage, dispatch_uid="events_webinars_drop")
    page_published.connect(
        on_event_published, sender=EventPage, dispatch_uid="events_sessions_record_publish"
    )
