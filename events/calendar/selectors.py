"""What the admin's calendar shows a user: the events of their own partners as they stand now,
drafts and unpublished changes included (read from the latest revision, since a draft's dates
live there until it is published), and other partners' events only as the public sees them
(live, public, by their live title, sessions and vocabulary). The coordinators and superusers
count every partner as their own, like the rest of the admin (``home.areas.membership``).

Three queries, however many events: other partners' published rows, the user's own events
without unpublished changes, and the user's own events with them (one revision each, read
from the revision the page row points to).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.permission_policies.pages import PagePermissionPolicy

from events.models import EventPage, EventSession, EventStatus, EventType
from home.areas.membership import partners_of_user, user_is_coordinator
from home.models import Audience, Partner
from home.visibility import public_pages

TYPE_LABELS = dict(EventType.choices)


@dataclass(frozen=True)
class CalendarFilters:
    """What the calendar is narrowed to; an empty tuple narrows nothing."""

    partners: tuple[Partner, ...] = ()
    types: tuple[str, ...] = ()
    audiences: tuple[Audience, ...] = ()


@dataclass(frozen=True)
class CalendarEntry:
    """One session of one event on one day (a session over several days has an entry a day)."""

    day: date
    event_id: int
    title: str
    session_title: str
    partner: str
    event_type: str
    # Local (Copenhagen) times; None for an all-day session.
    starts: datetime | None
    ends: datetime | None
    own: bool
    editable: bool
    # Never published, or published with newer changes in a draft (own events only).
    draft: bool
    unpublished_changes: bool
    cancelled: bool

    @property
    def sort_key(self) -> tuple:
        return (self.day, self.starts is not None, self.starts or time.min, self.title)


def own_events_q(user) -> Q:
    """The events whose drafts the user may see: their partners' (every event's for the
    coordinators)."""
    if user_is_coordinator(user):
        return Q()
    return Q(partner__in=partners_of_user(user))


def _filtered(queryset: QuerySet[EventPage], filters: CalendarFilters) -> QuerySet[EventPage]:
    if filters.partners:
        queryset = queryset.filter(partner__in=[p.pk for p in filters.partners])
    if filters.types:
        queryset = queryset.filter(event_type__in=filters.types)
    if filters.audiences:
        chosen = [a.pk for a in filters.audiences]
        queryset = queryset.filter(
            pk__in=EventPage.objects.filter(audiences__in=chosen).values("pk")
        )
    return queryset


def _in_window(queryset: QuerySet[EventPage], first: date, last: date) -> QuerySet[EventPage]:
    zone = timezone.get_default_timezone()
    starts = datetime.combine(first, time.min, tzinfo=zone)
    ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return queryset.filter(first_start__lt=ends, last_end__gt=starts)


def _local_days(session: EventSession) -> tuple[list[date], datetime | None, datetime | None]:
    """The local days a session falls on, and its local start and end (None if all day)."""
    if session.all_day:
        if session.start_date is None:
            return [], None, None
        last = session.end_date or session.start_date
        return _days(session.start_date, last), None, None
    if session.start is None or session.end is None:
        return [], None, None
    zone = timezone.get_default_timezone()
    starts = timezone.localtime(session.start, zone)
    ends = timezone.localtime(session.end, zone)
    # A session that ends at midnight does not reach into the next day.
    last = (ends - timedelta(microseconds=1)).date() if ends > starts else starts.date()
    return _days(starts.date(), last), starts, ends


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _entries(
    event: EventPage,
    sessions: Iterable[EventSession],
    *,
    first: date,
    last: date,
    partner: str,
    own: bool,
    editable: bool,
    draft: bool,
    unpublished_changes: bool,
) -> list[CalendarEntry]:
    entries = []
    for session in sessions:
        days, starts, ends = _local_days(session)
        cancelled = str(session.effective_status(event)) == EventStatus.CANCELLED
        for day in days:
            if first <= day <= last:
                entries.append(
                    CalendarEntry(
                        day=day,
                        event_id=event.pk,
                        title=event.title,
                        session_title=session.title,
                        partner=partner,
                        event_type=str(TYPE_LABELS.get(event.event_type, event.event_type)),
                        starts=starts,
                        ends=ends,
                        own=own,
                        editable=editable,
                        draft=draft,
                        unpublished_changes=unpublished_changes,
                        cancelled=cancelled,
                    )
                )
    return entries


def _draft_matches(draft: EventPage, filters: CalendarFilters) -> bool:
    if filters.types and draft.event_type not in filters.types:
        return False
    if filters.audiences:
        chosen = {a.pk for a in filters.audiences}
        if not chosen & {a.pk for a in draft.audiences.all()}:
            return False
    return True


def calendar_entries(
    *, user, first: date, last: date, filters: CalendarFilters = CalendarFilters()
) -> list[CalendarEntry]:
    """The sessions from ``first`` to ``last`` (local days, inclusive) that ``user`` may see,
    narrowed by ``filters``, one entry per session and day, in order of day and time."""
    own_q = own_events_q(user)
    sessions = Prefetch("sessions", queryset=EventSession.objects.order_by("sort_order", "pk"))
    base = EventPage.objects.select_related("partner")

    others = _in_window(_filtered(public_pages(base.all()), filters), first, last)
    others = others.exclude(pk__in=EventPage.objects.filter(own_q).values("pk"))
    own = _filtered(base.filter(own_q), filters)
    settled = _in_window(own.filter(has_unpublished_changes=False), first, last)
    changed = own.filter(has_unpublished_changes=True, latest_revision__isnull=False)

    editable = set(
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .filter(pk__in=EventPage.objects.filter(own_q).values("pk"))
        .values_list("pk", flat=True)
    )

    entries: list[CalendarEntry] = []
    for event in others.prefetch_related(sessions):
        entries += _entries(
            event,
            event.sessions.all(),
            first=first,
            last=last,
            partner=_partner_name(event),
            own=False,
            editable=False,
            draft=False,
            unpublished_changes=False,
        )
    for event in settled.prefetch_related(sessions):
        entries += _entries(
            event,
            event.sessions.all(),
            first=first,
            last=last,
            partner=_partner_name(event),
            own=True,
            editable=event.pk in editable,
            draft=not event.live,
            unpublished_changes=False,
        )
    for event in changed.select_related("latest_revision"):
        draft = event.latest_revision.as_object()
        if not _draft_matches(draft, filters):
            continue
        entries += _entries(
            draft,
            _ordered(draft.sessions.all()),
            first=first,
            last=last,
            partner=_partner_name(event),
            own=True,
            editable=event.pk in editable,
            draft=not event.live,
            unpublished_changes=event.live,
        )
    return sorted(entries, key=lambda entry: entry.sort_key)


def _ordered(sessions: Iterable[EventSession]) -> Sequence[EventSession]:
    return sorted(sessions, key=lambda s: (s.sort_order or 0, s.pk or 0))


def _partner_name(event: EventPage) -> str:
    return event.partner.short_name if event.partner else ""
