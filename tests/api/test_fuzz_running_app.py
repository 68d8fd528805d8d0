"""Hostile input against the running app, over real HTTP: every endpoint's query parameters,
path segments, JSON bodies and forms, the ones outside the OpenAPI schema included (feeds,
the registrants' pages, ``/healthz``, ``/api/v1/changes/``).

Must hold: never a 5xx; an API 400 names, in ``errors``, a parameter or field that was sent;
a feed's 400 is plain text naming one. ``FUZZ_EXAMPLES`` scales the run (default 20 examples
per surface, well under 90 s on SQLite); ``FUZZ_EXAMPLES=200`` for a long one.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.demo import demo_seed
from events.ical.selectors import registrant_feed_token
from events.models import EventPage, Registration
from events.registrations.services import registrant_feed_key
from home.models import KnowledgePage

pytestmark = [
    pytest.mark.fuzz,
    # serialized_rollback: the live server needs the migrations' rows (page tree, municipalities).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
TIMEOUT = 30

# --- hostile values ---------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    '"',
    '""',
    'a"b',
    "'",
    "\\",
    "%",
    ",",
    ",,",
    " , ",
    "-",
    "--",
    "()",
    "(",
    "*",
    ":",
    "a:*",
    "&",
    "|",
    "!",
    "AND",
    "OR NOT",
    "NEAR(a b)",
    "^",
    ";DROP TABLE events_eventpage;--",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\u202e",
    "\ufeff",
    "😀",
    "𝕏",
    "ø" * 300,
    "x" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
    "0",
    "00",
    "+1",
    " 1",
    "1 ",
    "1.5",
    "1e3",
    "1e400",
    "NaN",
    "Infinity",
    "0x10",
    "²",
    "١٢",
    str(2**31),
    str(2**63),
    str(2**64),
    str(10**30),
    "-" + str(10**30),
    "true",
    "null",
    "[]",
    "{}",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-13-45",
    "2026-02-30",
    "2026-12-01T25:00",
    "2026-12-01T00:00:00+99:00",
    "2026-12-01T00:00:00-23:59",
    "3492-05-09T10:01:05+23:57",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01T00:30:00+01:00",
    "2026-12-01T00:00:00Z",
    "2026-12-01T00:00:00.9999999999",
    "2026-W49",
    "20261201",
    "P1D",
]
# The sharpest of them, tried on every parameter and path segment in every run, whatever
# hypothesis draws: each has been a 5xx once ("²" passes str.isdigit and fails int).
SHARP = ['"', "\x00", "²", ",", "-1", str(2**64), "9999-12-31T23:00:00-05:00", "x" * 5000]
# Values the API knows, so hostile ones are also tried next to valid ones.
KNOWN = [
    "vive",
    "socialstyrelsen",
    "webinar",
    "online",
    "scheduled",
    "cancelled",
    "start",
    "-start",
    "title",
    "sagsbehandlere",
    "2020",
    "2026-12-01",
    "1",
    "20",
    "100",
]
# Whole raw query fragments that no dict of strings produces (invalid UTF-8, bare %, NULs).
RAW = ["%ff", "%fe%ff", "%c3", "%00", "%", "%%", "%zz", "%e2%80%ae", "%ed%a0%80"]

moments = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
)
scalars = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(KNOWN),
    st.text(max_size=40),
    st.integers().map(str),
    moments,
)
values = st.one_of(scalars, st.lists(scalars, min_size=2, max_size=4).map(",".join))

EVENT_PARAMS = [
    "partner",
    "type",
    "topic",
    "audience",
    "format",
    "status",
    "starts_after",
    "starts_before",
    "ends_after",
    "modified_since",
    "q",
    "ordering",
    "page",
    "page_size",
]
KNOWLEDGE_PARAMS = [
    "partner",
    "kind",
    "topic",
    "audience",
    "year",
    "modified_since",
    "q",
    "ordering",
    "page",
    "page_size",
]
LIST_ENDPOINTS = {
    "/api/v1/events/": EVENT_PARAMS,
    "/api/v1/knowledge/": KNOWLEDGE_PARAMS,
    "/api/v1/pages/": ["path", "modified_since", "page", "page_size"],
    "/api/v1/changes/": ["since", "after", "page", "page_size"],
    "/api/v1/partners/": ["page", "page_size"],
    "/api/v1/topics/": ["page", "page_size"],
    "/api/v1/audiences/": ["page", "page_size"],
    "/api/v1/municipalities/": ["page", "page_size"],
    "/api/v1/": ["format"],
    "/api/v1/schema/": ["format", "lang"],
    "/feeds/events.ics": EVENT_PARAMS,
    "/healthz": ["format"],
}


def queries(names: list[str]):
    """A query string: some of ``names`` (repeated now and then) and a stray unknown one, each
    with a hostile value, percent-encoded, sometimes with a raw fragment no encoder makes."""
    pair = st.tuples(st.sampled_from([*names, "unknown", "format"]), values)
    return st.tuples(
        st.lists(pair, min_size=1, max_size=5),
        st.one_of(st.none(), st.tuples(st.sampled_from(names), st.sampled_from(RAW))),
    )


def encode(pairs, raw) -> tuple[str, set[str]]:
    parts = [f"{quote(name)}={quote(value, safe='')}" for name, value in pairs]
    sent = {name for name, _ in pairs}
    if raw is not None:
        parts.append(f"{raw[0]}={raw[1]}")
        sent.add(raw[0])
    return "&".join(parts), sent


# Request headers a client may set to anything (latin-1 without line breaks: what HTTP carries).
header_values = st.one_of(
    st.sampled_from(['"', "*", 'W/"x"', "garbage", "Mon, 99 Foo 9999", "0", "-1", "x" * 4000]),
    st.text(
        st.characters(codec="latin-1", exclude_characters="\x7f", min_codepoint=32), max_size=60
    ).filter(lambda value: value == value.strip() and not any("\x80" <= c < "\xa1" for c in value)),
)
headers = st.dictionaries(
    st.sampled_from(["If-None-Match", "If-Modified-Since", "Accept", "X-Forwarded-For"]),
    header_values,
    max_size=3,
)

# --- the running app ------------------------------------------------------------------------


@dataclass
class World:
    base: str
    event_id: int
    group_event_id: int
    knowledge_id: int
    token: str
    manager_token: str
    feed_token: str
    # The demo conference, which asks questions (a workshop with places, lunch, diet).
    questions_event_id: int
    question_keys: list[str]

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def world(live_server, centre, settings) -> World:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "1000000/minute"},
    }
    demo_seed()
    events = EventPage.objects.live()
    # An event without questions, so a 400 of the fixed fields names only what was sent.
    individual = events.filter(
        participation="individual", registrations__isnull=False, questions__isnull=True
    ).first()
    asking = events.get(slug="konference-boerns-stemmer-i-sagsbehandlingen")
    group = events.filter(participation="staff_group").first()
    registration = Registration.objects.filter(event=individual).first()
    application = Registration.objects.filter(event=group).first()
    return World(
        base=live_server.url,
        event_id=individual.pk,
        group_event_id=group.pk,
        knowledge_id=KnowledgePage.objects.live().first().pk,
        token=registration.token,
        manager_token=application.manager_token,
        feed_token=registrant_feed_token(registrant_feed_key(email=registration.email)),
        questions_event_id=asking.pk,
        question_keys=[question.key for question in asking.questions.all()],
    )


def check(response: requests.Response, sent: set[str], *, where: str) -> None:
    """No 5xx; a 400 names something that was sent (JSON ``errors`` or a feed's text)."""
    assert response.status_code < 500, (where, response.status_code, response.text[:500])
    if response.status_code != 400 or response.request.method == "HEAD":
        return
    kind = response.headers.get("Content-Type", "")
    if kind.startswith("application/json"):
        errors = response.json().get("errors", {})
        assert set(errors) & sent, (where, "400 names none of", sorted(sent), errors)
    elif kind.startswith("text/plain"):
        named = set(re.findall(r"^([^:\n]+): ", response.text, re.MULTILINE))
        assert named & sent, (where, "400 names none of", sorted(sent), response.text[:300])


# --- query parameters of every GET endpoint ---------------------------------------------------


def test_every_query_parameter_of_every_list_endpoint(world):
    session = requests.Session()

    def fuzz(path: str, names: list[str]):
        @FUZZ
        @given(query=queries(names), extra=headers)
        def run(query, extra):
            text, sent = encode(*query)
            response = session.get(f"{world.url(path)}?{text}", headers=extra, timeout=TIMEOUT)
            check(response, sent, where=f"GET {path}?{text[:200]}")

        run()

    for path, names in LIST_ENDPOINTS.items():
        for name in names:
            for value in [*(quote(v, safe="") for v in SHARP), "%ff"]:
                response = session.get(f"{world.url(path)}?{name}={value}", timeout=TIMEOUT)
                check(response, {name}, where=f"GET {path}?{name}={value[:40]}")
        fuzz(path, names)


def detail_paths(world: World) -> list[str]:
    return [
        "/api/v1/events/{}/",
        "/api/v1/knowledge/{}/",
        "/api/v1/pages/{}/",
        "/api/v1/partners/{}/",
        "/api/v1/topics/{}/",
        "/api/v1/audiences/{}/",
        "/api/v1/municipalities/{}/",
        "/api/v1/registrations/{}/",
        "/feeds/events/{}.ics",
        "/feeds/me/{}.ics",
        "/tilmelding/{}/",
        "/tilmelding/{}/afmeld/",
        "/tilmelding/{}/mine/",
        "/tilmelding/{}/data/",
        "/tilmelding/ledelse/{}/",
    ]


segments = st.one_of(
    st.sampled_from(NASTY).filter(lambda v: v not in ("", " ")),
    st.integers().map(str),
    st.text(min_size=1, max_size=40),
    st.sampled_from(["%ff", "%00", "%2F", "..", "."]),
)


def test_every_path_segment_of_every_detail_endpoint(world):
    """Hostile ids and tokens; then the real ones with hostile queries, so the views behind
    the 404s are reached too."""
    session = requests.Session()

    @FUZZ
    @given(path=st.sampled_from(detail_paths(world)), segment=segments, query=queries(["page"]))
    def hostile_segment(path, segment, query):
        text, sent = encode(*query)
        encoded = segment if segment.startswith("%") else quote(segment, safe="")
        url = world.url(path.format(encoded)) + f"?{text}"
        for method in ("GET", "HEAD", "DELETE"):
            response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False)
            check(response, sent, where=f"{method} {url[:200]}")

    known = [
        f"/api/v1/events/{world.event_id}/",
        f"/api/v1/knowledge/{world.knowledge_id}/",
        f"/api/v1/registrations/{world.token}/",
        f"/feeds/events/{world.event_id}.ics",
        f"/feeds/me/{world.feed_token}.ics",
        f"/tilmelding/{world.token}/",
        f"/tilmelding/{world.token}/afmeld/",
        f"/tilmelding/{world.token}/mine/",
        f"/tilmelding/{world.token}/data/",
        f"/tilmelding/ledelse/{world.manager_token}/",
    ]

    @FUZZ
    @given(path=st.sampled_from(known), query=queries(["format", "page", "q"]), extra=headers)
    def known_object(path, query, extra):
        text, sent = encode(*query)
        response = session.get(f"{world.url(path)}?{text}", headers=extra, timeout=TIMEOUT)
        check(response, sent, where=f"GET {path}?{text[:200]}")

    for path in detail_paths(world):
        for segment in [*(quote(v, safe="") for v in SHARP if v != ","), "%ff", "%00"]:
            url = world.url(path.format(segment))
            response = session.get(url, timeout=TIMEOUT, allow_redirects=False)
            check(response, set(), where=f"GET {url[:200]}")
    hostile_segment()
    known_object()


# --- JSON bodies of the sign-up ---------------------------------------------------------------

FIELDS = [
    "name",
    "email",
    "workplace",
    "municipality",
    "job_role",
    "consent",
    "privacy_version",
    "accessibility_needs",
    "phone",
    "participants",
    "unit",
    "manager_name",
    "manager_email",
]


def deep(depth: int, leaf=1):
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**18, max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.just("x" * 70_000),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def valid_body(*, group: bool) -> dict:
    number = uuid.uuid4().hex[:12]
    body = {
        "name": "Anna Andersen",
        "email": f"fuzz-{number}@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
    }
    if group:
        body |= {
            "participants": 3,
            "unit": "Myndighed",
            "manager_name": "Lene Leder",
            "manager_email": f"leder-{number}@kommune.example",
        }
    return body


mutations = st.one_of(
    st.tuples(st.just("field"), st.sampled_from(FIELDS), json_values),
    st.tuples(st.just("drop"), st.sampled_from(FIELDS), st.none()),
    st.tuples(st.just("deep"), st.sampled_from(FIELDS), st.integers(1, 6000)),
    st.tuples(st.just("body"), st.none(), json_values),
)


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"\xff\xfe{}",
            b"\xef\xbb\xbf{}",
            '{"name": "Ø"}'.encode("utf-16"),
            b'{"name": "\xc3"}',
            b'{"name": "\\ud800"}',
            b'{"a": 1}{"b": 2}',
            b'{"name": NaN}',
            b'{"participants": 1e400}',
            b"[" * 100_000,
            b"{" * 30_000,
            b'{"a":' * 20_000,
            b"name=Anna&email=a@b.dk",
        ]
    ),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-16",
        "application/json; charset=nonsense",
        "application/json; charset=",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "application/xml",
        "",
        "*/*",
    ]
)


def test_every_field_of_the_sign_up_body_and_every_way_to_send_it(world):
    """JSON with each field in turn of a hostile value or type, missing, or nested deep; bodies
    that are no JSON object; then raw bytes under every content type."""
    session = requests.Session()

    @FUZZ
    @given(group=st.booleans(), mutation=mutations, key=st.one_of(st.none(), header_values))
    def fields(group, mutation, key):
        event_id = world.group_event_id if group else world.event_id
        action, field, value = mutation
        body: object = valid_body(group=group)
        # A body that is no object, or an empty one, may be answered field by field.
        sent = {field, "body"} if field else {"body", *FIELDS}
        if action == "field":
            body[field] = value
        elif action == "drop":
            body.pop(field, None)
        elif action == "deep":
            body[field] = deep(value)
        else:
            body = value
        try:
            data = json.dumps(body).encode()
        except RecursionError:
            data = (b"[" * value + b"]" * value) if isinstance(value, int) else b"["
        extra = {"Content-Type": "application/json"}
        if key is not None:
            extra["Idempotency-Key"] = key
            sent.add("Idempotency-Key")
        response = session.post(
            world.url(f"/api/v1/events/{event_id}/registrations/"),
            data=data,
            headers=extra,
            timeout=TIMEOUT,
        )
        where = f"POST {action} {field} {str(value)[:120]!r}"
        check(response, sent, where=where)
        assert response.status_code in (201, 400, 404, 409, 413, 429), (where, response.text)

    @FUZZ
    @given(data=raw_bodies, kind=content_types)
    def raw(data, kind):
        response = session.post(
            world.url(f"/api/v1/events/{world.event_id}/registrations/"),
            data=data,
            headers={"Content-Type": kind},
            timeout=TIMEOUT,
        )
        # An empty JSON body is an empty object: then the required fields are named.
        check(response, {"body", *FIELDS}, where=f"POST {kind!r} {data[:60]!r}")
        assert response.status_code in (400, 413, 415, 429), (kind, data[:60], response.text)

    fields()
    raw()


def test_hostile_answers_to_an_events_questions(world):
    """``answers`` of every shape to an event that asks questions: no object, unknown and empty
    keys, each question's answer of a hostile value or type. A 400 names ``answers`` or the
    question (``answers.<key>``); a full option is a 409; never a 5xx."""
    session = requests.Session()
    keys = st.one_of(st.sampled_from(world.question_keys), st.sampled_from(NASTY), st.text())
    answers = st.one_of(json_values, st.dictionaries(keys, json_values, max_size=4))
    sent = {"answers", *(f"answers.{key}" for key in world.question_keys)}

    @FUZZ
    @given(answers=answers)
    def hostile(answers):
        body = valid_body(group=False) | {"answers": answers}
        response = session.post(
            world.url(f"/api/v1/events/{world.questions_event_id}/registrations/"),
            json=body,
            timeout=TIMEOUT,
        )
        where = f"POST answers {str(answers)[:160]!r}"
        check(response, sent, where=where)
        assert response.status_code in (201, 400, 409, 413, 429), (where, response.text)

    hostile()


# --- the registrants' forms -------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_every_registrant_and_manager_form_posted_with_hostile_fields(world):
    """Each form through a browser-like session (CSRF cookie and token from the page), with
    hostile extra fields and query strings; and without the token, which is a 403."""
    session = requests.Session()

    def fresh_registration(group: bool) -> Registration:
        body = valid_body(group=group)
        event_id = world.group_event_id if group else world.event_id
        response = session.post(
            world.url(f"/api/v1/events/{event_id}/registrations/"), json=body, timeout=TIMEOUT
        )
        assert response.status_code == 201, response.text
        return Registration.objects.get(email=body["email"])

    forms = st.sampled_from(["afmeld", "mine", "data", "ledelse"])
    fields = st.dictionaries(st.sampled_from(["format", "token", "email", "x"]), scalars)

    @FUZZ
    @given(form=forms, data=fields, query=queries(["format"]), with_token=st.booleans())
    def run(form, data, query, with_token):
        registration = fresh_registration(group=form == "ledelse")
        path = (
            f"/tilmelding/ledelse/{registration.manager_token}/"
            if form == "ledelse"
            else f"/tilmelding/{registration.token}/{form}/"
        )
        text, _ = encode(*query)
        page = session.get(world.url(path), timeout=TIMEOUT)
        assert page.status_code == 200, (path, page.status_code)
        posted = dict(data)
        if with_token:
            posted["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
        response = session.post(
            f"{world.url(path)}?{text}", data=posted, timeout=TIMEOUT, allow_redirects=False
        )
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        expected = {200, 302} if with_token else {403}
        assert response.status_code in expected, (path, with_token, response.status_code)

    run()
