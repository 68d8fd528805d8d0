"""The web server as production runs it (gunicorn with ``cms/gunicorn.conf.py``), tried over real
sockets: what Django's test client cannot show. A sign-up and its answer, HEAD, a body sent in
chunks, a body over the limit, a header spelt with underscores to pass for the proxy's, and the
access log, which must not hold a person's secret link."""

from __future__ import annotations

import json
import socket
import time

import pytest
from django.conf import settings

from api.parsers import MAX_BODY_BYTES
from events.models import Registration
from tests.events.registrations import sign_up_body, vocabulary  # noqa: F401
from tests.faults.server import WebServer
from tests.markers import needs_postgres

pytestmark = [
    pytest.mark.cluster,
    needs_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("vocabulary"),
]

SECRET = "hemmeligt-link-3f9c2a7b1d"


def _env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return {
        "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": "",
        "WEB_ACCESS_LOG": "1",
    }


def _raw(port: int, request: bytes, *, wait: float = 10) -> bytes:
    """What the server answers to ``request`` written as it is, until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One server for the module (it starts in seconds), on the test database."""
    log = tmp_path_factory.mktemp("web") / "server.log"
    with WebServer(env=_env(), log=log) as running:
        yield running


def test_a_sign_up_through_the_server_is_written_and_answered(server, event_of, vive):
    event = event_of(vive, title="Webinar over rigtige sokler", capacity=5)
    status, headers, body = server.request(
        "POST",
        f"/api/v1/events/{event.pk}/registrations/",
        sign_up_body("anna@kommune.example"),
        **{"Content-Type": "application/json", "Origin": "https://partner.example"},
    )
    assert status == 201, body[:300]
    assert json.loads(body)["status"] == "confirmed"
    assert headers["Content-Type"] == "application/json"
    assert Registration.objects.filter(event=event, email="anna@kommune.example").count() == 1


def test_head_answers_the_get_s_headers_without_asign_up_body(server, event_of, vive):
    event = event_of(vive, title="Et arrangement", capacity=5)
    status, _, body = server.get(f"/api/v1/events/{event.pk}/")
    assert status == 200 and body
    answer = _raw(
        server.port,
        f"HEAD /api/v1/events/{event.pk}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert rest == b""
    assert f"content-length: {len(body)}".encode() in head.lower()  # the GET's length


def test_a_body_sent_in_chunks_is_refused_and_writes_nothing(server, event_of, vive):
    """A client that does not say the body's length (Transfer-Encoding: chunked): Django reads
    no body without Content-Length, so the sign-up is refused with 411 Length Required, saying
    so in Danish, never read as empty, half-read or a server error."""
    event = event_of(vive, title="Webinar i bidder", capacity=5)
    body = sign_up_body("chunks@kommune.example")
    half = len(body) // 2
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:])
    )
    answer = _raw(
        server.port,
        f"POST /api/v1/events/{event.pk}/registrations/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n".encode()
        + chunks
        + b"0\r\n\r\n",
    )
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411"), answer[:300]
    assert json.loads(rest) == {"detail": "Forespørgslen skal angive sin længde (Content-Length)."}
    assert not Registration.objects.filter(email="chunks@kommune.example").exists()


def test_a_header_spelt_with_underscores_cannot_pass_for_the_proxy_s(event_of, vive):
    """Behind one proxy (NUM_PROXIES=1) the client is the right-most X-Forwarded-For entry. A
    client's own ``X_Forwarded_For`` would land on the same WSGI key (both are
    ``HTTP_X_FORWARDED_FOR``) and choose its address; gunicorn drops headers with underscores,
    so three sign-ups from one address, each claiming another, are throttled as one, while
    another address the proxy saw is not."""
    event = event_of(vive, title="Webinar med loft", capacity=50)
    env = {**_env(), "NUM_PROXIES": "1", "REGISTRATION_THROTTLE_RATE": "2/hour"}
    sent = [("203.0.113.9", f"198.51.100.{number}") for number in (1, 2, 3)]
    sent.append(("203.0.113.10", "198.51.100.4"))  # another client: the proxy's entry counts
    statuses = []
    with WebServer(env=env) as server:
        for number, (proxy_saw, client_claims) in enumerate(sent):
            status, _, _ = server.request(
                "POST",
                f"/api/v1/events/{event.pk}/registrations/",
                sign_up_body(f"person{number}@kommune.example"),
                **{
                    "Content-Type": "application/json",
                    "X-Forwarded-For": proxy_saw,
                    "X_Forwarded_For": client_claims,
                },
            )
            statuses.append(status)
    assert statuses == [201, 201, 429, 201]


def test_a_body_over_the_limit_is_refused_unread(server, event_of, vive):
    """The length the client announces is enough: 413 before a byte of the body is read (the
    client sends none), so a large upload costs the server nothing."""
    event = event_of(vive, title="Webinar", capacity=5)
    answer = _raw(
        server.port,
        f"POST /api/v1/events/{event.pk}/registrations/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {MAX_BODY_BYTES + 10}\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "64 KiB" in json.loads(rest)["detail"]


def test_the_access_log_hides_a_person_s_secret_link(server):
    for path in (f"/tilmelding/{SECRET}/", f"/api/v1/registrations/{SECRET}/"):
        status, _, _ = server.get(path)
        assert status == 404
    deadline = time.monotonic() + 5
    log = ""
    while time.monotonic() < deadline:
        log = server.log.read_text(errors="replace")
        if log.count('HTTP/1.1" 404') >= 2:
            break
        time.sleep(0.1)
    # gunicorn's own access lines (Django's "Not Found: …" lines are filtered too)
    assert '"GET /tilmelding/<skjult>/ HTTP/1.1" 404' in log, log[-2000:]
    assert '"GET /api/v1/registrations/<skjult>/ HTTP/1.1" 404' in log
    assert SECRET not in log
