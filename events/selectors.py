"""Reads of events: what the public (API, feeds) may see, with everything prefetched."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Site

from events.models import EventPage, EventSession, Registration, RegistrationStatus
from home.models import Audience, Partner, Topic
from home.selectors import public_pages

if TYPE_CHECKING:
    from events.ical import CalendarEvent


def event_list_public(*, site: Site | None = None) -> QuerySet[EventPage]:
    """Live, public (no view restriction on the page or an ancestor), unexpired events of a site.

    Ordered by their first session; sessions come prefetched in start order.
    """
    if site is not None:
        queryset = (
            EventPage.objects.live()
            .public()
            .descendant_of(site.root_page, inclusive=True)
            .filter(expired=False)
        )
    else:
        queryset = public_pages(EventPage.objects.all())
    return (
        queryset.select_related("partner", "venue_municipality")
        .annotate(seats_taken=seats_taken_subquery())
        .prefetch_related(
            Prefetch("sessions", queryset=EventSession.objects.order_by("sort_order", "pk")),
            "slides__document",
            "related_knowledge",
        )
        .order_by("first_start", "pk")
    )


def seats_taken_subquery() -> Coalesce:
    """Seats held by confirmed registrations (counted by participants), as a subquery per event:
    no GROUP BY over the event's columns, no query per event."""
    taken = (
        Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(total=Sum("participants"))
        .values("total")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def event_is_public(*, pk: int) -> bool:
    """Whether a sign-up may reach the event: live, public, not expired, on the default site."""
    return public_pages(EventPage.objects.filter(pk=pk)).exists()


def event_get_public(*, pk: int, site: Site | None = None) -> EventPage:
    """One public event; raises ``EventPage.DoesNotExist`` when it is not public."""
    event = event_list_public(site=site).get(pk=pk)
    events_attach_terms([event])
    return event


TERM_RELATIONS = {"topics": Topic, "audiences": Audience, "co_organisers": Partner}


def _vocabulary(version: int | None) -> dict[str, dict[int, object]]:
    """Every topic, audience and partner by id: a few dozen rows, cached per content version
    (a vocabulary change is a content change, so the version moves with it)."""
    key = f"events:vocabulary:{version}"
    vocabulary = cache.get(key) if version is not None else None
    if vocabulary is None:
        vocabulary = {
            name: {obj.pk: obj for obj in model.objects.all()}
            for name, model in TERM_RELATIONS.items()
        }
        if version is not None:
            cache.set(key, vocabulary, 3600)
    return vocabulary


def events_attach_terms(events: list[EventPage], *, version: int | None = None) -> list[EventPage]:
    """Topics, audiences and co-organisers of many events in one query instead of three.

    The links come from the three through tables in one UNION ALL; the terms themselves from
    the cached vocabulary. ``event.topics.all()`` and the others then answer from memory.
    """
    ids = [event.pk for event in events]
    if not ids:
        return events
    parts = []
    for name, model in TERM_RELATIONS.items():
        through = getattr(EventPage, name).through
        target = f"{model._meta.model_name}_id"
        parts.append(
            through.objects.filter(eventpage_id__in=ids)
            .annotate(relation=Value(name, output_field=CharField()))
            .values_list("eventpage_id", "relation", target)
        )
    links: dict[tuple[int, str], list[int]] = {}
    for event_id, relation, term_id in parts[0].union(*parts[1:], all=True):
        links.setdefault((event_id, relation), []).append(term_id)
    vocabulary = _vocabulary(version)
    for event in events:
        cluster = event.__dict__.setdefault("_cluster_related_objects", {})
        for name in TERM_RELATIONS:
            terms = [vocabulary[name][pk] for pk in links.get((event.pk, name), ())]
            cluster[name] = sorted(terms, key=lambda term: str(term))
    return events


def events_for_calendar(queryset: QuerySet[EventPage]) -> list[CalendarEvent]:
    """The selected events as the calendar builders' plain data, in the queryset's order.

    Three queries of plain rows (events, their sessions, their topics' names), the last two
    selecting by the first as a subquery: no page instances (Wagtail's and modelcluster's
    constructors are most of a feed's cost otherwise) and no list of thousands of ids.
    """
    from events.ical import (
        EVENT_FIELDS,
        SESSION_FIELDS,
        calendar_event_from_row,
        calendar_session_from_row,
    )

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


def registration_state(event: EventPage, *, now, seats_taken: int | None = None) -> dict:
    """Whether one can sign up now: ``open``, ``not_yet_open``, ``closed``, ``full``,
    ``waiting_list`` (full, but the waiting list takes sign-ups) or ``cancelled``.

    ``seats_taken`` defaults to the event's annotated ``seats_taken`` (0 when absent).
    """
    from events.models import EventStatus

    if seats_taken is None:
        seats_taken = getattr(event, "seats_taken", 0) or 0
    seats_left = None if event.capacity is None else max(event.capacity - seats_taken, 0)
    closes = event.registration_closes or event.first_start
    if event.status == EventStatus.CANCELLED:
        state = "cancelled"
    elif event.registration_opens and now < event.registration_opens:
        state = "not_yet_open"
    elif closes is not None and now >= closes:
        state = "closed"
    elif seats_left == 0:
        state = "waiting_list" if event.waiting_list_enabled else "full"
    else:
        state = "open"
    return {"state": state, "seats_left": seats_left}


# --- registrations ----------------------------------------------------------------------------


# What ``new_token`` makes (``secrets.token_urlsafe``); anything else names no registration and
# is not looked up (PostgreSQL refuses a NUL in a query with an error, not an empty result).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _checked_token(token: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise Registration.DoesNotExist
    return token


def registration_by_token(*, token: str) -> Registration:
    """The registration behind a registrant's link; ``Registration.DoesNotExist`` if none."""
    return Registration.objects.select_related("event", "municipality", "job_role").get(
        token=_checked_token(token), anonymised_at__isnull=True
    )


def registration_by_manager_token(*, token: str) -> Registration:
    return Registration.objects.select_related("event").get(
        manager_token=_checked_token(token), anonymised_at__isnull=True
    )


def registrations_of_email(*, email: str) -> QuerySet[Registration]:
    """A person's registrations, newest event first."""
    return (
        Registration.objects.filter(email=email.strip().lower(), anonymised_at__isnull=True)
        .select_related("event", "municipality", "job_role")
        .order_by("-event__first_start", "-pk")
    )


def registration_counts(event_ids) -> dict[int, dict[str, int]]:
    """Per event: confirmed, waiting, pending and cancelled registrations, and seats taken."""
    rows = (
        Registration.objects.filter(event_id__in=list(event_ids))
        .order_by()
        .values("event_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING_LIST)),
            pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
            cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
            seats_taken=Coalesce(
                Sum("participants", filter=Q(status=RegistrationStatus.CONFIRMED)), 0
            ),
        )
    )
    return {row.pop("event_id"): row for row in rows}


FEED_SALT = "events.registrant-feed"


def registrant_feed_token(key) -> str:
    """A signed token naming the person's feed key; rotating the key's secret revokes it."""
    from django.core import signing

    return signing.dumps([key.pk, key.secret], salt=FEED_SALT)


def registrant_feed_url(key) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.BASE_URL + reverse("feeds:registrant", args=[registrant_feed_token(key)])


def registrant_feed_key_by_token(token: str):
    """The feed key a token names, or None if the token is forged or revoked."""
    from django.core import signing
    from django.utils.crypto import constant_time_compare

    from events.models import RegistrantFeedKey

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
    from events.ical import is_online

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
        if (
            registration.status == RegistrationStatus.CONFIRMED
            and event.join_url
            and is_online(event)
        ):
            join_url = event.join_url
        entries.append((event, join_url))
    return entries
