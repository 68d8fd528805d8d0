"""Reads of events: what the public (API, feeds) may see, with everything prefetched."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import (
    CharField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from wagtail.models import Site

from events.models import (
    SEAT_STATUSES,
    EventPage,
    EventQuestion,
    EventSession,
    QuestionKind,
    Registration,
)
from events.registrations.selectors import option_places_taken
from home.models import Audience, Partner, Topic
from home.version_memo import VersionMemo
from home.visibility import public_pages, public_pages_under

if TYPE_CHECKING:
    from wagtail.query import PageQuerySet


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
    """Seats held by confirmed registrations and offers not yet claimed (counted by
    participants), as a subquery per event: no GROUP BY over the event's columns, no query per
    event."""
    taken = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=SEAT_STATUSES)
        .order_by()
        .values("event")
        .annotate(total=Sum("participants"))
        .values("total")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def event_for_sign_up(
    *, pk: int, site_root: str | None, with_sessions: bool = True
) -> EventPage | None:
    """The event a sign-up through the API may reach (live, public, not expired, under
    ``site_root``, the default site's root as the caller read it), in the one query that checks
    it; None when it may not. ``with_sessions``: with its sessions, for emails rendered in this
    process (they list them)."""
    event = public_pages_under(EventPage.objects.filter(pk=pk), site_root).first()
    if event is not None and with_sessions:
        prefetch_related_objects([event], "sessions")
    return event


@dataclass(frozen=True)
class SignUpForm:
    """What a sign-up checks before the event's lock: the event, and its questions in order."""

    event: EventPage
    questions: tuple[EventQuestion, ...]


_sign_up_forms: VersionMemo[SignUpForm | None] = VersionMemo(size=256)


def sign_up_form(
    *, pk: int, version: int, site_root: str | None, with_sessions: bool = True
) -> SignUpForm | None:
    """``event_for_sign_up`` with the event's questions, read once per content version in this
    process (``home.version_memo``): whether the event may be reached, and what it asks, change
    only with a publish, an unpublish or a view restriction, which all move the version. They
    were a fifth of a sign-up's CPU (the page query and the questions' query compiled every
    time). What else the decision reads (seats, status, dates, capacity) is read again under the
    event's lock. A move of a folder that is not live writes the change log for the live pages
    it holds (``home.signal_handlers.on_page_moved``); which site is the default is part of the
    key (``site_root``: its root's ``url_path``, read with the version,
    ``home.selectors.content_state_and_site_root``). The event returned is the caller's own
    copy, since the sign-up sets fields on it; the questions are shared between the process's
    threads and only read."""

    def build() -> SignUpForm | None:
        # Built with the root it is kept under, never with another read of it.
        event = event_for_sign_up(pk=pk, site_root=site_root, with_sessions=False)
        if event is None:
            return None
        return SignUpForm(event=event, questions=tuple(event.questions.all()))

    # Which site is the default one is not content (no change-log row): it is part of the key.
    form = _sign_up_forms.get((pk, site_root), version, build)
    if form is None:
        return None
    event = copy.copy(form.event)
    event._prefetched_objects_cache = {}  # the copy's own: nothing fetched lands in the memo
    if with_sessions:
        # Read with each sign-up, not kept: a publish raises the sessions' calendar sequence
        # after it has written the change log (``events.services.event_sessions_record_publish``).
        prefetch_related_objects([event], "sessions")
    return SignUpForm(event=event, questions=form.questions)


def event_get_public(*, pk: int, site: Site | None = None) -> EventPage:
    """One public event; raises ``EventPage.DoesNotExist`` when it is not public."""
    event = event_list_public(site=site).get(pk=pk)
    events_attach_terms([event])
    return event


TERM_RELATIONS: dict[str, type[Topic] | type[Audience] | type[Partner]] = {
    "topics": Topic,
    "audiences": Audience,
    "co_organisers": Partner,
}


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


def events_attach_questions(events: list[EventPage]) -> list[EventPage]:
    """The questions of many events in one query, and the places their limited options hold
    in one more (only when one of them has such options). ``event.questions.all()`` then
    answers from memory, and ``event.option_places_taken`` maps (key, value) to places held.
    For events read from the database (a draft's questions live in its revision)."""
    ids = [event.pk for event in events]
    if not ids:
        return events
    questions: dict[int, list[EventQuestion]] = {}
    for question in EventQuestion.objects.filter(page_id__in=ids).order_by("sort_order", "pk"):
        questions.setdefault(question.page_id, []).append(question)
    limited = {
        question.key
        for listed in questions.values()
        for question in listed
        if question.kind == QuestionKind.LIMITED_CHOICE
    }
    taken = option_places_taken(event_ids=ids, keys=limited) if limited else {}
    for event in events:
        event.__dict__.setdefault("_cluster_related_objects", {})["questions"] = questions.get(
            event.pk, []
        )
        event.__dict__["option_places_taken"] = {
            (key, value): count for (pk, key, value), count in taken.items() if pk == event.pk
        }
    return events


def knowledge_list_with_events(queryset: PageQuerySet) -> PageQuerySet:
    """Attach the public events that present each knowledge item as ``public_events``."""
    events = event_list_public().select_related(None).prefetch_related(None).only("id", "title")
    return queryset.prefetch_related(Prefetch("events", queryset=events, to_attr="public_events"))
