"""The events resource: what a consuming site builds its pages and calendars from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from events.models import EventIndexPage
from home.demo import vocabulary_seed
from home.models import Audience, Topic

SECRET = "https://teams.example.com/meet/hemmeligt-123"


@pytest.fixture
def vocabulary(centre):
    vocabulary_seed()


@pytest.fixture
def events(event_of, vive, bv, vocabulary):
    """VIVE webinar for PPR next month, a VIVE conference, a Børns Vilkår webinar for schools."""
    now = timezone.now()
    ppr, school = Audience.objects.get(slug="ppr"), Audience.objects.get(slug="skole")
    topic = Topic.objects.get(slug="boernesamtaler")
    webinar = event_of(
        vive,
        title="Webinar om børnesamtaler",
        event_type="webinar",
        join_url=SECRET,
        capacity=50,
        sessions=[{"start": now + timedelta(days=35), "end": now + timedelta(days=35, hours=1)}],
        audiences=[ppr],
        topics=[topic],
    )
    conference = event_of(
        vive,
        title="Årskonference",
        event_type="conference",
        format="physical",
        platform_name="",
        venue_name="Aarhus Rådhus",
        venue_city="Aarhus",
        sessions=[{"start": now + timedelta(days=60), "end": now + timedelta(days=60, hours=6)}],
        audiences=[ppr, school],
    )
    bv_webinar = event_of(
        bv,
        title="Webinar for skoler",
        event_type="webinar",
        sessions=[{"start": now + timedelta(days=10), "end": now + timedelta(days=10, hours=1)}],
        audiences=[school],
    )
    return {"webinar": webinar, "conference": conference, "bv_webinar": bv_webinar}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_list_is_paginated_and_ordered_by_start(api, events):
    data = api.get("/api/v1/events/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert [e["title"] for e in data["results"]] == [
        "Webinar for skoler",
        "Webinar om børnesamtaler",
        "Årskonference",
    ]


def test_detail_has_sessions_partners_state_and_links_but_never_the_join_link(api, events):
    webinar = events["webinar"]
    response = api.get(f"/api/v1/events/{webinar.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert SECRET not in response.content.decode()
    assert "join_url" not in data
    session = data["sessions"][0]
    assert session["uuid"] == str(webinar.sessions.get().uuid)
    assert session["start"][-6:] in ("+01:00", "+02:00")
    assert data["partner"]["slug"] == "vive"
    assert data["registration"] == {"state": "open", "seats_left": 50}
    assert data["links"]["api"].endswith(f"/api/v1/events/{webinar.pk}/")
    assert data["links"]["ics"].endswith(f"/feeds/events/{webinar.pk}.ics")
    assert data["links"]["webcal"].startswith("webcal://")
    assert data["topics"][0]["slug"] == "boernesamtaler"


def test_webinars_for_ppr_from_vive_next_month(api, events):
    now = timezone.localtime()
    first = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
    after_next = (first + timedelta(days=32)).replace(day=1)
    response = api.get(
        "/api/v1/events/",
        {
            "partner": "vive",
            "type": "webinar",
            "audience": "ppr",
            "starts_after": first.date().isoformat(),
            "starts_before": after_next.date().isoformat(),
        },
    )
    expected = ["Webinar om børnesamtaler"]
    start = events["webinar"].first_start
    if not (first.date() <= timezone.localtime(start).date() < after_next.date()):
        expected = []
    assert titles(response) == expected


def test_values_of_one_filter_are_ored_and_filters_anded(api, events):
    assert titles(api.get("/api/v1/events/?partner=vive,boerns-vilkaar&type=webinar")) == [
        "Webinar for skoler",
        "Webinar om børnesamtaler",
    ]
    assert titles(api.get("/api/v1/events/?type=webinar&type=conference&partner=vive")) == [
        "Webinar om børnesamtaler",
        "Årskonference",
    ]
    assert titles(api.get("/api/v1/events/?audience=skole&format=physical")) == ["Årskonference"]
    assert titles(api.get("/api/v1/events/?topic=boernesamtaler")) == ["Webinar om børnesamtaler"]


def test_search_uses_wagtail_search(api, events):
    assert titles(api.get("/api/v1/events/?q=årskonference")) == ["Årskonference"]
    assert titles(api.get("/api/v1/events/?q=børnesamtaler&partner=vive")) == [
        "Webinar om børnesamtaler"
    ]


def test_search_finds_the_body_the_venue_city_and_the_topics(api, event_of, vive):
    vocabulary_seed()
    topic = Topic.objects.order_by("pk").first()
    event_of(
        vive,
        title="Temadag",
        body=[{"type": "paragraph", "value": "<p>Om netværksmøder med plejefamilier.</p>"}],
    )
    event_of(
        vive,
        title="Kursus i Svendborg",
        format="physical",
        venue_name="Byens Hus",
        venue_city="Faaborg",
    )
    event_of(vive, title="Dialogmøde", topics=[topic])
    assert titles(api.get("/api/v1/events/?q=plejefamilier")) == ["Temadag"]
    assert titles(api.get("/api/v1/events/?q=faaborg")) == ["Kursus i Svendborg"]
    assert "Dialogmøde" in titles(api.get("/api/v1/events/", {"q": topic.name}))


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("type=seminar", "type"),
        ("partner=ukendt", "partner"),
        ("format=telepati", "format"),
        ("status=slettet", "status"),
        ("starts_after=i-morgen", "starts_after"),
        ("starts_before=2026-13-45", "starts_before"),
        ("modified_since=igaar", "modified_since"),
        ("page=99", "page"),
        ("page_size=101", "page_size"),
        ("page_size=nul", "page_size"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api, events, query, parameter):
    response = api.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert parameter in body["errors"], body
    assert body["detail"]


def test_unknown_draft_and_private_events_are_404(api, event_of, vive, bv):
    draft = event_of(vive, title="Kladde", publish=False)
    restricted_folder = EventIndexPage.objects.get(partner=bv)
    private = event_of(bv, title="Privat")
    PageViewRestriction.objects.create(
        page=restricted_folder, restriction_type="password", password="x"
    )
    for pk in (draft.pk, private.pk, 999999):
        assert api.get(f"/api/v1/events/{pk}/").status_code == 404
    assert api.get("/api/v1/events/abc/").status_code == 404
    assert titles(api.get("/api/v1/events/")) == []


def test_list_query_count_does_not_grow_with_page_size(
    api, event_of, vive, vocabulary, django_assert_max_num_queries
):
    for n in range(25):
        event_of(vive, title=f"Webinar {n}", sessions=[{}, {}])

    def count(size: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/api/v1/events/?page_size={size}&nocache={size}")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    count(1)  # warms Wagtail's cache of site root paths and the vocabulary
    small, large = count(5), count(25)
    assert small == large
    assert large <= 8


def test_modified_since_lists_only_what_changed(api, events):
    since = timezone.now()
    webinar = events["webinar"]
    webinar.title = "Webinar om børnesamtaler (ny dato)"
    webinar.save_revision().publish()
    response = api.get("/api/v1/events/", {"modified_since": since.isoformat()})
    assert titles(response) == ["Webinar om børnesamtaler (ny dato)"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/193324338514832622082137784320/",
        "/api/v1/knowledge/99999999999999999999/",
        "/api/v1/topics/2147483648/",
        "/feeds/events/99999999999999999999.ics",
    ],
)
def test_ids_beyond_the_databases_integers_are_404_not_500(api, centre, path):
    assert api.get(path).status_code == 404


def test_ends_after_keeps_what_is_still_on(api, events):
    """A course whose first session has passed but whose last is to come is still "on"."""
    later = events["webinar"].last_end
    names = titles(api.get("/api/v1/events/", {"ends_after": later.isoformat()}))
    assert "Webinar om børnesamtaler" in names
    after = (later + timedelta(minutes=1)).isoformat()
    assert "Webinar om børnesamtaler" not in titles(
        api.get("/api/v1/events/", {"ends_after": after})
    )
    response = api.get("/api/v1/events/?ends_after=2026-13-45")
    assert response.status_code == 400
    assert "ends_after" in response.json()["errors"]
