"""Reads for the calendars: the feeds' events as plain rows, and a registrant's own feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Prefetch,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from events.ical.data import (
    EVENT_FIELDS,
    SESSION_FIELDS,
    calendar_event_from_row,
    calendar_session_from_row,
    is_online,
)
from events.models import (
    EventPage,
    EventSession,
    RegistrantFeedKey,
    Registration,
    RegistrationStatus,
)
from events.webinars.links import join_url_for
from home.visibility import public_pages

if TYPE_CHECKING:
    from events.ical.data import CalendarEvent


def events_for_calendar(queryset: QuerySet[EventPage]) -> list[CalendarEvent]:
    """The selected events as the calendar builders' plain data, in the queryset's order.

    Three queries of plain rows (events, their sessions, their topics' names), the last two
    selecting by the first as a subquery: no page instances (Wagtail's and modelcluster's
    constructors are most of a feed's cost otherwise) and no list of thousands of ids.
    """

    rows = list(
        queryset.annotate(body_json=Cast("body", output_field=TextField())).values(*EVENT_FIELDS)
    )
    if not rows:
        return []
    selected = queryset.order_by().values("pk")
    sessions: dict[int, list] = {}
    session_rows = (
        EventSession.objects.filter(event_id__in=selected)
        .order_by("sort_order", "pk")
        .values_list(*SESSION_FIELDS)
    )
    for row in session_rows:
        sessions.setdefault(row[0], []).append(calendar_session_from_row(row))
    topics: dict[int, list[str]] = {}
    links = EventPage.topics.through.objects.filter(eventpage_id__in=selected)
    for event_id, name in links.values_list("eventpage_id", "topic__name"):
        topics.setdefault(event_id, []).append(name)
    return [
        calendar_event_from_row(
            row, topics=topics.get(row["pk"], ()), sessions=sessions.get(row["pk"], ())
        )
        for row in rows
    ]


FEED_SALT = "events.registrant-feed"


def registrant_feed_token(key: RegistrantFeedKey) -> str:
    """A signed token naming the person's feed key; rotating the key's secret revokes it."""
    from django.core import signing

    return signing.dumps([key.pk, key.secret], salt=FEED_SALT)


def registrant_feed_url(key: RegistrantFeedKey) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.BASE_URL + reverse("feeds:registrant", args=[registrant_feed_token(key)])


def registrant_feed_key_by_token(token: str) -> RegistrantFeedKey | None:
    """The feed key a token names, or None if the token is forged or revoked."""
    from django.core import signing
    from django.utils.crypto import constant_time_compare

    try:
        pk, secret = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    key = RegistrantFeedKey.objects.filter(pk=pk).first()
    if key is None or not constant_time_compare(key.secret, str(secret)):
        return None
    return key


def registrant_calendar_entries(*, email: str) -> list[tuple[EventPage, str | None]]:
    """The person's non-cancelled registrations of public events (live, unrestricted, not
    expired: what any feed may show), with the join link where they may have it (confirmed,
    and the event is online, hybrid or moved online)."""

    public_events = public_pages(EventPage.objects.all()).values("pk")
    registrations = (
        Registration.objects.filter(
            email=email, anonymised_at__isnull=True, event__in=public_events
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
        .prefetch_related(
            Prefetch("event__sessions", queryset=EventSession.objects.order_by("sort_order", "pk"))
        )
        .order_by("event__first_start", "pk")
    )
    entries = []
    for registration in registrations:
        event = registration.event
        join_url = None
        if registration.status == RegistrationStatus.CONFIRMED and is_online(event):
            # Their own link on Zoom, else the shared one (events.webinars.links).
            join_url = join_url_for(event, registration) or None
        entries.append((event, join_url))
    return entries
