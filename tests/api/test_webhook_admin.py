"""The webhook admin shows a receiver's secret once, its URL's credentials only in the edit form,
and the receivers' answers with credentials masked (issue 13, point 2).

Signatures are checked with the specification's own library (``standardwebhooks``) against a
real HTTP receiver on 127.0.0.1, as a consuming site would.
"""

from __future__ import annotations

import re

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from api.models import WebhookDelivery, WebhookEndpoint, WebhookKind, WebhookStatus
from api.webhooks.endpoint_admin import text_redacted, url_masked
from tests.events.conftest import build_event
from tests.receiver import Receiver

INDEX = "/admin/webhooks/modtagere/"
URL_PASSWORD = "hemmeligt-kodeord-42"
URL_TOKEN = "hemmelig-token-4711"
SECRET_RE = re.compile(r"whsec_[A-Za-z0-9+/=]{20,}")


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def _body(response) -> str:
    return response.content.decode()


def _form(receiver_url: str, **fields) -> dict:
    return {
        "name": "VIVE's websted",
        "url": receiver_url,
        "partner": "",
        "kinds": [WebhookKind.EVENT_PUBLISHED, WebhookKind.EVENT_CHANGED],
        "active": "on",
        **fields,
    }


def _credentialed(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://modtager:{URL_PASSWORD}@{rest}/hooks?token={URL_TOKEN}&v=2"


@pytest.fixture
def endpoint(centre, vive):
    return WebhookEndpoint.objects.create(
        name="VIVE's websted",
        url=f"https://modtager:{URL_PASSWORD}@vive.example/hooks?token={URL_TOKEN}",
        partner=vive,
    )


def _no_secret(body: str, endpoint: WebhookEndpoint) -> list[str]:
    found = [name for name in (endpoint.secret, URL_PASSWORD, URL_TOKEN) if name in body]
    return found + SECRET_RE.findall(body)


def test_create_shows_the_secret_once_in_the_answer_never_again(client, coordinator, receiver):
    client.force_login(coordinator)
    new = _body(client.get(INDEX + "new/"))
    assert 'name="secret"' not in new and "vises da én gang" in new
    created = client.post(INDEX + "new/", _form(_credentialed(receiver.url)))

    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"{INDEX}secret/{endpoint.pk}/"
    assert endpoint.secret not in _body(created)
    response = client.get(created["Location"])
    assert response.status_code == 200
    body = _body(response)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in body
    assert "vises kun denne ene gang" in body
    assert "no-store" in response["Cache-Control"]
    again = client.get(created["Location"], follow=True)
    assert endpoint.secret not in _body(again)
    assert "allerede vist" in _body(again)

    # The next page (and every other) shows it masked at most.
    for url in (INDEX, f"{INDEX}inspect/{endpoint.pk}/", f"{INDEX}history/{endpoint.pk}/"):
        later = client.get(url)
        assert later.status_code == 200, url
        assert endpoint.secret not in _body(later), url
    inspect = _body(client.get(f"{INDEX}inspect/{endpoint.pk}/"))
    assert "whsec_••••" + endpoint.secret[-4:] in inspect


def test_edit_form_holds_no_secret_and_saving_it_keeps_the_secret(client, coordinator, endpoint):
    client.force_login(coordinator)
    secret = endpoint.secret

    form = client.get(f"{INDEX}edit/{endpoint.pk}/")
    assert form.status_code == 200
    body = _body(form)
    assert secret not in body and not SECRET_RE.findall(body)
    assert 'name="secret"' not in body
    assert "whsec_••••" + secret[-4:] in body
    # The coordinators correct the URL here, so here it is whole.
    assert URL_PASSWORD in body and URL_TOKEN in body
    assert f"/admin/webhooks/modtagere/rotate/{endpoint.pk}/" in body

    response = client.post(
        f"{INDEX}edit/{endpoint.pk}/",
        _form(
            endpoint.url,
            name="VIVE (nyt navn)",
            secret="whsec_forsoeg",
            partner=endpoint.partner_id,
        ),
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.name == "VIVE (nyt navn)"
    assert endpoint.secret == secret


def test_rotation_shows_the_new_secret_once_and_signs_with_it(
    client, coordinator, receiver, vive, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(name="VIVE", url=receiver.url + "/hooks")
    old = endpoint.secret
    client.force_login(coordinator)
    url = f"{INDEX}rotate/{endpoint.pk}/"

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "holder op med at virke med det samme" in _body(confirm)
    assert old not in _body(confirm)
    endpoint.refresh_from_db()
    assert endpoint.secret == old  # a GET changes nothing

    rotated = client.post(url)
    assert rotated.status_code == 302
    response = client.get(rotated["Location"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Den gamle virker ikke længere" in _body(response)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    assert endpoint.secret in _body(response) and old not in _body(response)
    history = _body(client.get(f"{INDEX}history/{endpoint.pk}/"))
    assert "Hemmelighed fornyet" in history
    assert endpoint.secret not in history and old not in history

    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    request = receiver.received[0]
    assert Webhook(endpoint.secret).verify(request.body, request.headers)["type"]
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request.body, request.headers)


def test_rotation_needs_a_post_with_csrf(coordinator, endpoint):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    secret = endpoint.secret
    assert client.post(f"{INDEX}rotate/{endpoint.pk}/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.secret == secret


def test_listing_inspect_and_history_show_no_secret_and_no_url_credential(
    client, coordinator, endpoint
):
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        kind=WebhookKind.EVENT_PUBLISHED,
        payload={"data": {"id": 1}},
        status=WebhookStatus.FAILED,
        response_status=401,
        response_body=(
            f"forkert signatur v1,{'A' * 43}= med {endpoint.secret}\n"
            "Authorization: Bearer modtagerens.egen.noegle\n" + "x" * 5000
        ),
        last_error=f"ConnectionError: https://modtager:{URL_PASSWORD}@vive.example/hooks"
        f"?token={URL_TOKEN} (Authorization: Basic bW9kdGFnZXI6a29kZQ==)",
    )
    client.force_login(coordinator)
    urls = [
        INDEX,
        f"{INDEX}?q=VIVE",
        f"{INDEX}inspect/{endpoint.pk}/",
        f"{INDEX}history/{endpoint.pk}/",
        "/admin/webhooks/log/",
        f"/admin/webhooks/log/?endpoint={endpoint.pk}",
        f"/admin/webhooks/log/inspect/{delivery.pk}/",
        f"/admin/webhooks/log/resend/{delivery.pk}/",
        "/admin/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert not _no_secret(body, endpoint), (url, _no_secret(body, endpoint))
        assert "modtagerens.egen.noegle" not in body and "bW9kdGFnZXI6a29kZQ==" not in body, url
        assert "A" * 43 not in body, url
    listing = _body(client.get(INDEX))
    assert "https://•••@vive.example/hooks?token=•••" in listing
    inspect = _body(client.get(f"/admin/webhooks/log/inspect/{delivery.pk}/"))
    assert "x" * 1800 in inspect and "x" * 2000 not in inspect
    assert "(forkortet)" in inspect


def test_a_search_by_the_url_tells_nothing_of_its_credentials(client, coordinator, endpoint):
    client.force_login(coordinator)
    assert "VIVE&#x27;s websted" in _body(client.get(f"{INDEX}?q=VIVE"))
    assert "VIVE&#x27;s websted" not in _body(client.get(f"{INDEX}?q={URL_PASSWORD}"))


def _refused(response) -> bool:
    """A 403 or 404, or Wagtail's refusal: back to the dashboard."""
    if response.status_code == 302:
        return response["Location"] == "/admin/"
    return response.status_code in (403, 404)


@pytest.mark.parametrize("person", ["vive_editor", "vive_moderator", "bv_editor", "bv_moderator"])
def test_partners_people_see_no_other_receiver_and_no_secret(client, request, bv, person):
    vive_endpoint = WebhookEndpoint.objects.create(
        name="HEMMELIG-MODTAGER-vive",
        url=f"https://u:{URL_PASSWORD}@vive.example/hooks?token={URL_TOKEN}",
        partner=request.getfixturevalue("vive"),
    )
    bv_endpoint = WebhookEndpoint.objects.create(
        name="HEMMELIG-MODTAGER-bv",
        url=f"https://u:{URL_PASSWORD}@bv.example/hooks?token={URL_TOKEN}",
        partner=bv,
    )
    user = request.getfixturevalue(person)
    own, other = (
        (vive_endpoint, bv_endpoint) if person.startswith("vive") else (bv_endpoint, vive_endpoint)
    )
    client.force_login(user)

    listing = _body(client.get(INDEX))
    assert own.name in listing and other.name not in listing
    assert client.get(f"{INDEX}inspect/{other.pk}/").status_code == 404
    for url in (
        f"{INDEX}edit/{own.pk}/",
        f"{INDEX}edit/{other.pk}/",
        f"{INDEX}rotate/{own.pk}/",
        f"{INDEX}rotate/{other.pk}/",
        f"{INDEX}history/{own.pk}/",
        f"{INDEX}secret/{own.pk}/",
    ):
        assert _refused(client.get(url)), url
    assert _refused(client.post(f"{INDEX}rotate/{own.pk}/"))
    for url in (INDEX, f"{INDEX}inspect/{own.pk}/", "/admin/webhooks/log/"):
        body = _body(client.get(url))
        for endpoint in (own, other):
            assert not _no_secret(body, endpoint), url
    assert WebhookEndpoint.objects.get(pk=own.pk).secret == own.secret


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://vive.example/hooks", "https://vive.example/hooks"),
        (
            "https://u:p@vive.example:8443/h?token=abc&x=",
            "https://•••@vive.example:8443/h?token=•••&x=•••",
        ),
        ("https://vive.example/h#frag", "https://vive.example/h#•••"),
        ("https://[::1/h", "•••"),
    ],
)
def test_url_masked(url, masked):
    assert url_masked(url) == masked


def test_text_redacted_masks_known_values_and_credential_shapes():
    text = (
        'svar {"authorization": "Bearer abc.def", "sig": "v1,' + "B" * 44 + '"} whsec_abcd tok1234'
    )
    redacted = text_redacted(text, known=["tok1234"])
    for leaked in ("abc.def", "B" * 44, "whsec_abcd", "tok1234"):
        assert leaked not in redacted
    assert redacted.startswith("svar ")
