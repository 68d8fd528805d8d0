"""POST /api/v1/events/{id}/registrations/ and the registration by its token."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.models import OutboundEmail, Registration
from tests.events.registrations import emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def body(**fields) -> dict:
    data = {
        "name": "Anna Andersen",
        "email": "anna@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(api, event_id, data, **headers):
    return api.post(
        f"/api/v1/events/{event_id}/registrations/",
        data=json.dumps(data) if not isinstance(data, str | bytes) else data,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, capacity=1, waiting_list_enabled=True)


def test_sign_up_answers_201_with_the_status_then_the_waiting_position(api, webinar):
    first = post(api, webinar.pk, body(email="a@kommune.example"))
    second = post(api, webinar.pk, body(email="b@kommune.example"))
    assert first.status_code == second.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert first.json()["waiting_position"] is None
    assert second.json()["status"] == "waiting_list"
    assert second.json()["waiting_position"] == 1
    assert "nummer 1" in second.json()["detail"]
    registration = Registration.objects.get(email="a@kommune.example")
    assert registration.source == "api"
    assert registration.privacy_version
    assert registration.consent_at is not None


def test_repeated_sign_up_answers_as_a_new_one_and_the_person_is_emailed(api, webinar):
    post(api, webinar.pk, body(email="a@kommune.example"))
    post(api, webinar.pk, body(email="b@kommune.example"))
    stranger = post(api, webinar.pk, body(email="a@kommune.example", name="Fremmed"))
    newcomer = post(api, webinar.pk, body(email="c@kommune.example"))
    assert stranger.status_code == 201
    assert stranger.json() == {**newcomer.json()}
    assert Registration.objects.filter(email="a@kommune.example").count() == 1
    assert emails_to("a@kommune.example") == ["confirmation", "already_registered"]


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"email": "ikke-en-adresse"}, "email", "gyldig e-mailadresse"),
        ({"municipality": "9999"}, "municipality", "“9999” er ikke en dansk kommune"),
        ({"municipality": 101}, "municipality", "kommune"),
        ({"job_role": "astronaut"}, "job_role", "ikke en af stillingsgrupperne"),
        ({"consent": False}, "consent", "samtykke"),
        ({"consent": None}, "consent", "udfyldes"),
        ({"participants": 0}, "participants", "mindst 1"),
        ({"name": ""}, "name", "udfyldes"),
        ({"workplace": None}, "workplace", "udfyldes"),
        ({"name": "x" * 201}, "name", "højst 200"),
    ],
)
def test_bad_field_is_a_400_with_a_danish_message_for_that_field(
    api, webinar, fields, field, fragment
):
    response = post(api, webinar.pk, body(**fields))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors, errors
    assert fragment.lower() in " ".join(errors[field]).lower()
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code", "message"),
    [
        (
            {"municipality": "9999"},
            "municipality",
            "does_not_exist",
            "Kommune: “9999” er ikke en dansk kommune. Vælg din kommune på listen.",
        ),
        ({"municipality": 101}, "municipality", "invalid", "Kommune: vælg din kommune på listen."),
        (
            {"job_role": "astronaut"},
            "job_role",
            "does_not_exist",
            "Stillingsgruppe: “astronaut” er ikke en af stillingsgrupperne. Vælg en "
            "stillingsgruppe på listen.",
        ),
        (
            {"job_role": ["x"]},
            "job_role",
            "invalid",
            "Stillingsgruppe: vælg en stillingsgruppe på listen.",
        ),
    ],
)
def test_a_message_for_people_is_apart_from_the_code_for_programs(
    api, webinar, fields, field, code, message
):
    """The Danish sentence a site shows has no developer hint (no API path, no "slug"); the
    machine-readable code stands beside it under the same parameter."""
    response = post(api, webinar.pk, body(**fields))
    assert response.status_code == 400
    data = response.json()
    assert data["errors"][field] == [message]
    assert data["codes"][field] == [code]
    assert data["code"] == "invalid"
    for sentence in (data["detail"], *data["errors"][field]):
        assert "/api/" not in sentence and "slug" not in sentence.lower()


def test_a_domain_error_names_its_code_beside_its_danish_message(api, webinar):
    webinar.capacity = 0
    webinar.waiting_list_enabled = False
    webinar.save_revision().publish()
    response = post(api, webinar.pk, body())
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "full"
    assert data["detail"] == "Arrangementet er fuldt, og der er ingen venteliste."


def test_several_bad_fields_are_all_named(api, webinar):
    response = post(api, webinar.pk, {"email": "x"})
    assert response.status_code == 400
    assert {"name", "email", "workplace", "municipality", "job_role", "consent"} <= set(
        response.json()["errors"]
    )


@pytest.mark.parametrize("raw", ['{"name": ', "[1, 2]", "null", '"tekst"'])
def test_malformed_json_is_a_400(api, webinar, raw):
    response = post(api, webinar.pk, raw)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_body_over_64_kib_is_a_413(api, webinar):
    response = post(api, webinar.pk, body(accessibility_needs="x" * (65 * 1024)))
    assert response.status_code == 413
    assert "64 KiB" in response.json()["detail"]
    assert not Registration.objects.exists()


def test_unknown_and_unpublished_events_are_404(api, event_of, vive, webinar):
    draft = event_of(vive, capacity=10, publish=False)
    for event_id in (draft.pk, 999999, webinar.get_parent().pk):
        response = post(api, event_id, body())
        assert response.status_code == 404, event_id
        assert response.json()["detail"]
    assert not Registration.objects.exists()


def test_full_without_waiting_list_and_closed_are_409(api, event_of, vive):
    full = event_of(vive, capacity=1, waiting_list_enabled=False)
    assert post(api, full.pk, body(email="a@kommune.example")).status_code == 201
    response = post(api, full.pk, body(email="b@kommune.example"))
    assert response.status_code == 409
    assert "fuldt" in response.json()["detail"]
    closed = event_of(vive, capacity=5, registration_closes=timezone.now() - timedelta(hours=1))
    response = post(api, closed.pk, body())
    assert response.status_code == 409
    assert response.json()["detail"] == "Tilmeldingen er lukket."


def test_staff_group_fields_are_required_for_a_staff_group_event(api, event_of, vive):
    course = event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")
    response = post(api, course.pk, body(participants=6))
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    response = post(
        api,
        course.pk,
        body(
            participants=6,
            unit="Myndighed",
            manager_name="Lene Leder",
            manager_email="leder@kommune.example",
        ),
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert emails_to("leder@kommune.example") == ["manager_request"]


def test_idempotency_key_gives_a_retry_the_first_answer_and_registers_once(api, webinar):
    post(api, webinar.pk, body(email="first@kommune.example"))
    first = post(api, webinar.pk, body(), **{"Idempotency-Key": "abc-123"})
    # Meanwhile the seat situation changes; the retry still gets the first answer.
    Registration.objects.filter(email="first@kommune.example").delete()
    retry = post(api, webinar.pk, body(), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert first.json()["status"] == "waiting_list"
    assert Registration.objects.filter(email="anna@kommune.example").count() == 1
    assert emails_to("anna@kommune.example") == ["waiting_list"]


def test_idempotency_key_reused_for_another_body_is_a_400(api, webinar):
    post(api, webinar.pk, body(), **{"Idempotency-Key": "k1"})
    response = post(api, webinar.pk, body(email="b@kommune.example"), **{"Idempotency-Key": "k1"})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Registration.objects.filter(email="b@kommune.example").exists()


def test_cors_preflight_allows_partner_origins(api, webinar, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.vive.dk"]
    response = api.options(
        f"/api/v1/events/{webinar.pk}/registrations/",
        headers={
            "Origin": "https://www.vive.dk",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://www.vive.dk"
    assert "idempotency-key" in response["Access-Control-Allow-Headers"].lower()
    other = api.options(
        f"/api/v1/events/{webinar.pk}/registrations/",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in other


def test_sign_ups_are_throttled_per_client(api, webinar, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "2/minute"},
    }
    codes = [
        post(api, webinar.pk, body(email=f"p{i}@kommune.example")).status_code for i in range(3)
    ]
    assert codes == [201, 201, 429]
    response = post(api, webinar.pk, body(email="p9@kommune.example"))
    assert response.json()["detail"].startswith("For mange tilmeldinger")
    assert "Prøv igen om" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert Registration.objects.count() == 2


def test_registration_by_token_is_private_and_cancels_with_delete(api, webinar):
    post(api, webinar.pk, body(email="a@kommune.example"))
    post(api, webinar.pk, body(email="b@kommune.example"))
    registration = Registration.objects.get(email="a@kommune.example")
    response = api.get(f"/api/v1/registrations/{registration.token}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["email"], data["municipality"]) == (
        "confirmed",
        "a@kommune.example",
        "0101",
    )
    assert data["event"]["id"] == webinar.pk
    assert "private" in response["Cache-Control"]
    deleted = api.delete(f"/api/v1/registrations/{registration.token}/")
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "cancelled"
    promoted = Registration.objects.get(email="b@kommune.example")
    assert (promoted.status, promoted.waiting_position) == ("confirmed", None)
    assert api.get("/api/v1/registrations/not-a-token/").status_code == 404
    assert api.delete("/api/v1/registrations/not-a-token/").status_code == 404


def test_events_api_shows_real_seats_left(api, event_of, vive):
    event = event_of(vive, capacity=2, waiting_list_enabled=False)
    sign_up(event)
    assert api.get(f"/api/v1/events/{event.pk}/").json()["registration"] == {
        "state": "open",
        "seats_left": 1,
    }
    sign_up(event)
    from django.core.cache import cache

    cache.clear()  # the API's answers are cached per content version
    listed = api.get("/api/v1/events/").json()["results"]
    assert [e["registration"] for e in listed if e["id"] == event.pk] == [
        {"state": "full", "seats_left": 0}
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": {"first": "Anna"}}, "name"),
        ({"email": ["a@kommune.example"]}, "email"),
        ({"participants": "mange"}, "participants"),
        ({"participants": 10**30}, "participants"),
        ({"consent": "måske"}, "consent"),
        ({"municipality": {"code": "0101"}}, "municipality"),
        ({"accessibility_needs": "x" * 2001}, "accessibility_needs"),
    ],
)
def test_odd_values_are_400_for_that_field_never_a_500(api, webinar, fields, field):
    response = post(api, webinar.pk, body(**fields))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Registration.objects.exists()


def test_event_id_beyond_any_integer_column_is_a_404(api, webinar):
    response = post(api, 10**20, body())
    assert response.status_code == 404
    assert not Registration.objects.exists()


# --- the throttle counts the client the operator's proxies vouch for (issue 13, point 6) ------


@pytest.fixture
def two_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "2/minute"},
    }
    # The throttle counts per fixed minute: a test's requests must not straddle two of them
    # (on a slow CI machine the third request once fell in the next minute and was let in).
    # The clock starts a second into the next minute and runs on from there.
    start = (int(time.time()) // 60 + 1) * 60 + 1
    with freeze_time(datetime.fromtimestamp(start, tz=UTC), tick=True):
        yield settings


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_throttle(
    api, webinar, two_per_minute
):
    codes = [
        post(
            api,
            webinar.pk,
            body(email=f"p{i}@kommune.example"),
            **{"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert codes == [201, 201, 429, 429]
    assert Registration.objects.count() == 2


def test_with_one_proxy_declared_the_address_it_appended_is_counted(api, webinar, two_per_minute):
    two_per_minute.REST_FRAMEWORK = {**two_per_minute.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def from_client(client: str, number: int, spoofed: str = ""):
        chain = f"{spoofed}, {client}" if spoofed else client
        return post(
            api,
            webinar.pk,
            body(email=f"n{number}@kommune.example"),
            **{"X-Forwarded-For": chain},
        ).status_code

    # One client, whatever it puts to the left of what the proxy appended: one count.
    assert [from_client("198.51.100.7", i, spoofed=f"10.0.0.{i}") for i in range(3)] == [
        201,
        201,
        429,
    ]
    # Another client behind the same proxy (same REMOTE_ADDR) has its own count.
    assert from_client("198.51.100.8", 10) == 201


def test_ipv6_clients_are_counted_per_64_prefix(api, webinar, two_per_minute):
    two_per_minute.REST_FRAMEWORK = {**two_per_minute.REST_FRAMEWORK, "NUM_PROXIES": 1}
    codes = [
        post(
            api,
            webinar.pk,
            body(email=f"v{i}@kommune.example"),
            **{"X-Forwarded-For": f"2001:db8:1:2::{i + 1:x}"},
        ).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize(
    ("num_proxies", "remote", "forwarded", "client"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (1, "192.0.2.1", "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        (2, "192.0.2.1", "1.1.1.1, 203.0.113.9, 192.0.2.50", "203.0.113.9"),
        (2, "192.0.2.1", "203.0.113.9", "203.0.113.9"),  # skipped the outer proxy
        (1, "192.0.2.1", "", "192.0.2.1"),
        (1, "192.0.2.1", "not-an-address", "192.0.2.1"),
        (1, "192.0.2.1", "::ffff:203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ],
)
def test_client_address_follows_the_declared_proxies(
    settings, rf, num_proxies, remote, forwarded, client
):
    from api.throttling import client_address

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client


# --- a staff-group application cannot mail a stranger's text to any address (point 6) -------


@pytest.fixture
def course(event_of, vive):
    return event_of(
        vive,
        title="Forløb om børnesamtaler",
        participation="staff_group",
        capacity=40,
        event_type="advisory_course",
    )


def application(number: int = 0, **fields) -> dict:
    values = {
        "email": f"kontakt{number}@kommune.example",
        "participants": 6,
        "unit": "Myndighed",
        "manager_name": "Lene Leder",
        "manager_email": f"leder{number}@kommune.example",
    }
    return body(**{**values, **fields})


def test_the_managers_email_quotes_nothing_the_applicant_typed(api, course):
    spam = "Køb billigt på https://spam.example/ nu"
    response = post(
        api,
        course.pk,
        application(
            name=f"Anna {spam}",
            workplace=f"Arbejde {spam}",
            unit=f"Enhed {spam}",
            manager_name=f"Leder {spam}",
            accessibility_needs=f"Hensyn {spam}",
            phone="12345678",
        ),
    )
    assert response.status_code == 201
    email = OutboundEmail.objects.get(kind="manager_request")
    assert email.to == "leder0@kommune.example"
    for text in (email.subject, email.body_text, email.body_html):
        assert "spam.example" not in text
        assert "Køb billigt" not in text
        assert "Anna" not in text and "12345678" not in text
    # What the centre controls is there: the title, the count, the municipality, the link.
    assert "Forløb om børnesamtaler" in email.subject
    assert "6 deltagere fra København" in email.body_text
    registration = Registration.objects.get()
    assert registration.manager_confirm_url() in email.body_text
    assert email.body_text.startswith("Hej\n")


@pytest.fixture
def unthrottled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"registrations": "100000/minute"},
    }


def test_a_manager_address_gets_at_most_five_requests_a_day(api, course, unthrottled):
    from events.registrations.limits import MANAGER_REQUESTS_PER_DAY

    codes = [
        post(api, course.pk, application(n, manager_email="leder@kommune.example")).status_code
        for n in range(MANAGER_REQUESTS_PER_DAY + 2)
    ]
    assert codes == [201] * MANAGER_REQUESTS_PER_DAY + [429, 429]
    refused = post(api, course.pk, application(99, manager_email="LEDER@kommune.example"))
    assert refused.status_code == 429
    assert list(refused.json()["errors"]) == ["manager_email"]
    assert "i morgen" in refused.json()["detail"]
    assert emails_to("leder@kommune.example") == ["manager_request"] * MANAGER_REQUESTS_PER_DAY
    assert Registration.objects.count() == MANAGER_REQUESTS_PER_DAY
    # Another manager is not held up, and tomorrow the address may be asked again.
    assert post(api, course.pk, application(50)).status_code == 201
    from freezegun import freeze_time

    with freeze_time(timezone.now() + timedelta(days=1)):
        later = post(api, course.pk, application(51, manager_email="leder@kommune.example"))
    assert later.status_code == 201


def test_an_applicant_cannot_cycle_applications_past_the_daily_limit(api, course, unthrottled):
    """Cancelling and applying again, each time naming another manager, counts every time."""
    from events.registrations.limits import APPLICATIONS_PER_APPLICANT_PER_DAY

    for n in range(APPLICATIONS_PER_APPLICANT_PER_DAY):
        response = post(api, course.pk, application(0, manager_email=f"m{n}@kommune.example"))
        assert response.status_code == 201, response.json()
        token = Registration.objects.get(email="kontakt0@kommune.example", status="pending").token
        assert api.delete(f"/api/v1/registrations/{token}/").status_code == 200
    refused = post(api, course.pk, application(0, manager_email="m99@kommune.example"))
    assert refused.status_code == 429
    assert list(refused.json()["errors"]) == ["email"]
    assert emails_to("m99@kommune.example") == []


def test_erasing_ones_data_does_not_reset_the_managers_count(api, course, unthrottled):
    from events.registrations.limits import MANAGER_REQUESTS_PER_DAY
    from events.retention.services import registrant_erase

    for n in range(MANAGER_REQUESTS_PER_DAY):
        post(api, course.pk, application(n, manager_email="leder@kommune.example"))
        registrant_erase(email=f"kontakt{n}@kommune.example")
    assert not Registration.objects.filter(manager_email="leder@kommune.example").exists()
    refused = post(api, course.pk, application(9, manager_email="leder@kommune.example"))
    assert refused.status_code == 429


def test_a_repeated_application_is_answered_as_a_new_one_at_and_below_the_limit(
    api, course, unthrottled
):
    from events.registrations.limits import MANAGER_REQUESTS_PER_DAY

    first = post(api, course.pk, application(0, manager_email="leder@kommune.example"))
    again = post(api, course.pk, application(0, manager_email="leder@kommune.example"))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert emails_to("leder@kommune.example") == ["manager_request"]  # the repeat mails no one
    for n in range(1, MANAGER_REQUESTS_PER_DAY):
        post(api, course.pk, application(n, manager_email="leder@kommune.example"))
    new = post(api, course.pk, application(90, manager_email="leder@kommune.example"))
    repeat = post(api, course.pk, application(0, manager_email="leder@kommune.example"))
    assert new.status_code == repeat.status_code == 429
    assert new.json() == repeat.json()


# --- a repeated sign-up tells a stranger nothing (point 6) ----------------------------------


def _answer(response) -> tuple:
    """What a client can see of an answer, but the headers that differ per request."""
    varying = {"date", "etag", "last-modified"}
    headers = sorted((k.lower(), v) for k, v in response.items() if k.lower() not in varying)
    return response.status_code, response.content, headers


def test_a_repeated_sign_up_is_answered_byte_for_byte_as_a_new_one(api, event_of, vive):
    event = event_of(vive, capacity=1, waiting_list_enabled=True)
    for address in ("a", "b", "c"):  # a confirmed, b and c waiting at 1 and 2
        post(api, event.pk, body(email=f"{address}@kommune.example"))
    # b, already waiting at position 1, is told the next position (3) as a newcomer is: not
    # their own position, and the newcomer after them gets the same, so no count has moved.
    for known in ("a@kommune.example", "b@kommune.example"):
        stranger = post(api, event.pk, body(email=known, name="Fremmed"))
        newcomer_email = f"ny-{known}"
        newcomer = post(api, event.pk, body(email=newcomer_email))
        assert _answer(stranger)[:2] == _answer(newcomer)[:2]
        assert _answer(stranger)[2] == _answer(newcomer)[2]
        token = Registration.objects.get(email=newcomer_email).token
        assert api.delete(f"/api/v1/registrations/{token}/").status_code == 200  # gap closed
    assert stranger.json()["waiting_position"] == 3
    assert Registration.objects.filter(email="b@kommune.example").get().waiting_position == 1


def test_a_repeated_sign_up_to_a_full_event_without_waiting_list_is_the_same_409(
    api, event_of, vive
):
    event = event_of(vive, capacity=1, waiting_list_enabled=False)
    post(api, event.pk, body(email="a@kommune.example"))
    stranger = post(api, event.pk, body(email="a@kommune.example"))
    newcomer = post(api, event.pk, body(email="b@kommune.example"))
    assert stranger.status_code == newcomer.status_code == 409
    assert _answer(stranger) == _answer(newcomer)


@pytest.mark.parametrize(
    ("missing", "named"), [("manager_name", "manager_name"), ("manager_email", "manager_email")]
)
def test_a_missing_manager_field_is_a_400_naming_that_field(api, course, missing, named):
    data = application()
    data.pop(missing)
    response = post(api, course.pk, data)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [named]
