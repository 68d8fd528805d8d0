"""The hosted Danish events page: ``/arrangementer/`` and ``/arrangementer/<id>/``, as a person,
a partner's link and a hostile address reach it."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from csp.constants import NONCE
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from api.filters import EventFilter
from api.widget.attributes import FILTERS
from events.mail.compose import format_when
from home.demo import vocabulary_seed
from home.models import Topic

ALLOWED = {*FILTERS, "view", "event", "back-url"}


class _Page(HTMLParser):
    """What a test reads of a page: the element's attributes, titles, links, scripts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.element: dict[str, str] | None = None
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.canonical: list[str] = []
        self._in: str | None = None
        self.text: dict[str, str] = {"title": "", "h1": ""}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "videnscenter-events":
            self.element = {name: value or "" for name, value in attrs}
        elif tag == "script":
            self.scripts.append(values)
        elif tag == "a":
            self.links.append(values.get("href") or "")
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical.append(values.get("href") or "")
        if tag in self.text:
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.text[self._in] += data


def page(response) -> _Page:
    return _Page(response.content.decode())


@pytest.fixture
def vocabulary(centre):
    vocabulary_seed()


@pytest.fixture
def webinar(event_of, vive, vocabulary):
    start = timezone.now() + timedelta(days=14)
    return event_of(
        vive,
        title="Webinar om børnesamtaler & <forældre>",
        teaser="Hvordan taler vi med børn om deres sag?",
        sessions=[{"start": start, "end": start + timedelta(hours=1)}],
    )


# --- /arrangementer/ ---------------------------------------------------------------------------


def test_the_filters_are_the_events_apis():
    assert set(FILTERS) <= set(EventFilter.base_filters)


def test_list_passes_the_apis_filters_to_the_element(client, vocabulary, settings):
    topic = Topic.objects.get(name="Børnesamtaler").slug
    response = client.get(
        "/arrangementer/",
        {
            "partner": "vive",
            "type": ["webinar", "conference,workshop"],
            "topic": topic,
            "audience": "ppr,sagsbehandlere",
            "format": "online",
            "status": "scheduled",
            "q": "børn i udsatte familier",
            "starts_after": "2026-12-01",
            "starts_before": "2027-01-01T12:00",
            "ends_after": "2026-11-15",
            "view": "calendar",
        },
    )
    assert response.status_code == 200
    assert page(response).element == {
        "partner": "vive",
        "type": "webinar,conference,workshop",
        "topic": topic,
        "audience": "ppr,sagsbehandlere",
        "format": "online",
        "status": "scheduled",
        "q": "børn i udsatte familier",
        "starts_after": "2026-12-01",
        "starts_before": "2027-01-01T12:00",
        "ends_after": "2026-11-15",
        "view": "calendar",
    }
    # The canonical address names the selection, not the search or the moment.
    assert page(response).canonical == [
        f"{settings.BASE_URL}/arrangementer/?partner=vive&type=webinar%2Cconference%2Cworkshop"
        f"&topic={topic}&audience=ppr%2Csagsbehandlere&format=online&status=scheduled"
    ]


def test_list_without_filters_is_the_bare_element(client, centre, settings):
    response = client.get("/arrangementer/")
    assert response.status_code == 200
    parsed = page(response)
    assert parsed.element == {}
    assert parsed.text["h1"] == "Arrangementer"
    assert parsed.canonical == [f"{settings.BASE_URL}/arrangementer/"]
    # The widget from this page's own origin: its policy allows scripts from 'self' only.
    assert parsed.scripts == [{"type": "module", "src": "/widget/v1.js"}]


HOSTILE = [
    {"q": '"><script>alert(1)</script>'},
    {"q": "' onmouseover='alert(1)"},
    {"q": "børn\x00<img src=x onerror=alert(1)>"},
    {"q": "x" * 201},
    {"q": "\x00\x01\u202e"},
    {"partner": '"><script>alert(1)</script>'},
    {"partner": "ukendt"},
    {"topic": "ukendt,ogsaa-ukendt"},
    {"audience": "a" * 10_000},
    {"type": "webinar,<b>", "format": "telepati"},
    {"status": "\x00"},
    {"starts_after": "ikke-en-dato"},
    {"starts_before": "2026-13-45"},
    {"ends_after": "9999-12-31T23:59:59-23:59"},
    {"ends_after": "2026-12-01" + " " * 100},
    {"view": "<script>"},
    {"api": "https://angriber.example", "preview": "x", "lang": "en", "onload": "alert(1)"},
    {"partner": ",".join(["vive"] * 5000)},
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_values_are_left_out_or_escaped(client, vocabulary, query):
    response = client.get("/arrangementer/", query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "\x00" not in body and "\u202e" not in body
    assert "<script>alert" not in body and "<img" not in body and "<b>" not in body
    parsed = page(response)
    assert parsed.scripts == [{"type": "module", "src": "/widget/v1.js"}]
    assert set(parsed.element or {}) <= ALLOWED - {"event", "back-url"}
    for name, value in (parsed.element or {}).items():
        # What passes is what the API accepts, written escaped.
        assert name in query and len(value) <= 200
        assert f' {name}="{escape(value)}"' in body


def test_hostile_search_text_is_kept_as_text_never_as_markup(client, centre):
    response = client.get("/arrangementer/", {"q": '"><script>alert(1)</script>'})
    assert page(response).element == {"q": '"><script>alert(1)</script>'}
    assert 'q="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in response.content.decode()


def test_invalid_values_leave_out_only_themselves(client, vocabulary):
    response = client.get("/arrangementer/", {"partner": "vive,ukendt", "type": "webinar,kursus"})
    assert page(response).element == {"partner": "vive", "type": "webinar"}


def test_list_without_javascript_links_each_selected_event_to_its_page(
    client, webinar, event_of, bv
):
    other = event_of(bv, title="Workshop hos Børns Vilkår")
    past = event_of(
        webinar.partner,
        title="Webinar der er slut",
        sessions=[{"start": timezone.now() - timedelta(days=3)}],
    )
    everything = page(client.get("/arrangementer/"))
    assert f"/arrangementer/{webinar.pk}/" in everything.links
    assert f"/arrangementer/{other.pk}/" in everything.links
    assert f"/arrangementer/{past.pk}/" not in everything.links  # what is still on, as the widget
    assert "/feeds/events.ics" in everything.links

    vive_only = page(client.get("/arrangementer/", {"partner": "vive"}))
    assert f"/arrangementer/{webinar.pk}/" in vive_only.links
    assert f"/arrangementer/{other.pk}/" not in vive_only.links
    assert "/feeds/events.ics?partner=vive" in vive_only.links


# --- /arrangementer/<id>/ ----------------------------------------------------------------------


def test_event_page_opens_the_event_with_its_title_dates_and_calendar(client, webinar, settings):
    response = client.get(f"/arrangementer/{webinar.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    parsed = page(response)
    assert parsed.element == {"event": str(webinar.pk), "back-url": "/arrangementer/"}
    title = "Webinar om børnesamtaler & <forældre>"
    assert parsed.text["title"] == f"{title} – Videnscenter om børneinddragelse"
    assert parsed.text["h1"] == title
    assert "&lt;forældre&gt;" in body and "<forældre>" not in body
    assert parsed.canonical == [f"{settings.BASE_URL}/arrangementer/{webinar.pk}/"]
    # Without JavaScript: when, the calendar file and the way to the list.
    fallback = body.split("<videnscenter-events", 1)[1].split("</videnscenter-events>", 1)[0]
    assert format_when(webinar.sessions.get()) in fallback
    assert f'href="/feeds/events/{webinar.pk}.ics"' in fallback
    assert 'href="/arrangementer/"' in fallback
    assert client.get(f"/feeds/events/{webinar.pk}.ics").status_code == 200


def test_a_cancelled_event_says_so_without_javascript(client, webinar):
    page_ = webinar.get_latest_revision_as_object()
    page_.status, page_.status_reason = "cancelled", "For få tilmeldte"
    page_.save_revision().publish()
    body = client.get(f"/arrangementer/{webinar.pk}/").content.decode()
    assert "<strong>Aflyst</strong>: For få tilmeldte" in body


def _unpublished(event_of, vive):
    event = event_of(vive, title="Trukket tilbage")
    event.unpublish()
    return event


def _private(event_of, vive):
    event = event_of(vive, title="Kun med adgangskode")
    PageViewRestriction.objects.create(page=event, restriction_type="password", password="x")
    return event


@pytest.mark.parametrize(
    "make",
    [
        lambda event_of, vive: event_of(vive, title="Kladde", publish=False),
        _unpublished,
        _private,
    ],
    ids=["draft", "unpublished", "private"],
)
def test_an_event_that_is_not_public_is_the_danish_404(client, event_of, vive, make, vive_editor):
    event = make(event_of, vive)
    for person in (None, vive_editor):  # its own partner's editor included: the page is public
        if person:
            client.force_login(person)
        response = client.get(f"/arrangementer/{event.pk}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "Siden findes ikke" in body and '<html lang="da">' in body
        assert event.title not in body


@pytest.mark.parametrize("path", ["999999/", "0/", "99999999999/", "abc/", "1/ekstra/"])
def test_an_unknown_event_address_is_the_danish_404(client, centre, path):
    response = client.get(f"/arrangementer/{path}")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


# --- for every visitor alike -------------------------------------------------------------------


def _directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


@pytest.mark.parametrize("which", ["list", "event"])
def test_pages_carry_the_events_page_policy(client, webinar, settings, which):
    path = "/arrangementer/" if which == "list" else f"/arrangementer/{webinar.pk}/"
    response = client.get(path)
    policy = _directives(response)
    [nonce] = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    expected = {
        name: {f"'nonce-{nonce}'" if value == NONCE else value for value in values}
        for name, values in settings.CONTENT_SECURITY_POLICY_EVENTS_PAGE["DIRECTIVES"].items()
    }
    assert policy == expected
    assert policy["script-src"] == {"'self'"} and policy["default-src"] == {"'none'"}
    # No inline script: the only script is the widget's, by address.
    assert all(script.get("src") for script in page(response).scripts)


def test_only_get_and_head(client, webinar):
    for path in ("/arrangementer/", f"/arrangementer/{webinar.pk}/"):
        assert client.head(path).status_code == 200
        for method in (client.post, client.put, client.delete):
            assert method(path).status_code == 405


def _without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]+"', "", response.content.decode())


def test_another_partners_editor_sees_the_same_public_page(client, webinar, bv_editor):
    paths = ("/arrangementer/", f"/arrangementer/{webinar.pk}/")
    anonymous = [_without_nonce(client.get(path)) for path in paths]
    client.force_login(bv_editor)
    assert [_without_nonce(client.get(path)) for path in paths] == anonymous
    assert "Webinar om børnesamtaler" in anonymous[1]
