"""An offer of a seat on the registrant's pages, and offers out in the admin: the offer page
(GET shows, POST answers), hostile input, and other partners seeing nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Registration
from events.registrations.services import registration_cancel
from tests.events.conftest import edit_form_data
from tests.events.registrations import emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def csrf_post(browser, url, data=None):
    token = browser.get(url).context["csrf_token"]
    return browser.post(url, {"csrfmiddlewaretoken": str(token), **(data or {})})


@pytest.fixture
def offered(event_of, vive):
    event = event_of(vive, title="VIVE-kursus", capacity=1, waiting_list_offer_hours=48)
    first = sign_up(event, name="Første Deltager").registration
    sign_up(event, email="olga@kommune.example", name="Olga Offer")
    sign_up(event, email="niels@kommune.example", name="Niels Næste")
    registration_cancel(registration=first)
    registration = Registration.objects.get(email="olga@kommune.example")
    assert registration.status == "offered"
    return registration


def path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_offer_page_shows_the_offer_and_following_the_link_claims_nothing(browser, offered):
    url = path(offered.offer_url())
    response = browser.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Tilbud om en plads" in content and "VIVE-kursus" in content
    assert "Tag pladsen" in content and "Nej tak" in content
    assert "csrfmiddlewaretoken" in content
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert browser.head(url).status_code == 200
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_taking_the_seat_on_the_page_confirms(browser, offered):
    url = path(offered.offer_url())
    response = csrf_post(browser, url, {"answer": "claim"})
    assert response.status_code == 302 and response["Location"] == url
    offered.refresh_from_db()
    assert offered.status == "confirmed"
    assert "Du har en plads og er tilmeldt" in browser.get(url).content.decode()
    assert emails_to(offered.email)[-1] == "confirmation"


def test_no_thanks_on_the_page_passes_the_offer_on(browser, offered):
    url = path(offered.offer_url())
    csrf_post(browser, url, {"answer": "decline"})
    offered.refresh_from_db()
    assert (offered.status, offered.cancel_reason) == ("cancelled", "offer_declined")
    assert Registration.objects.get(email="niels@kommune.example").status == "offered"
    assert "Du har sagt nej tak" in browser.get(url).content.decode()


def test_a_post_without_the_csrf_token_is_refused(offered):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(path(offered.offer_url()), {"answer": "claim"}).status_code == 403
    offered.refresh_from_db()
    assert offered.status == "offered"


@pytest.mark.parametrize("answer", ["", "take", "x" * 100_000, "claim\x00"])
def test_an_unknown_answer_is_a_400_in_danish_and_changes_nothing(browser, offered, answer):
    response = csrf_post(browser, path(offered.offer_url()), {"answer": answer})
    assert response.status_code == 400
    assert "Svar: vælg “Tag pladsen” eller “Nej tak”." in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_answering_an_offer_that_is_no_longer_out_is_a_409(browser, offered):
    url = path(offered.offer_url())
    csrf_post(browser, url, {"answer": "decline"})
    response = csrf_post(browser, url, {"answer": "claim"})
    assert response.status_code == 409
    assert "Tilbuddet om en plads gælder ikke længere" in response.content.decode()


@pytest.mark.parametrize(
    "token", ["ukendt-token", "x" * 129, "%00", "..%2F..%2Fetc", "a" * 43 + "ø"]
)
def test_hostile_tokens_are_404(browser, offered, token):
    assert browser.get(f"/tilmelding/{token}/tilbud/").status_code == 404
    assert browser.post(f"/tilmelding/{token}/tilbud/", {"answer": "claim"}).status_code in (
        403,
        404,
    )
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_manage_and_mine_show_the_offer_and_its_deadline(browser, offered):
    manage = browser.get(path(offered.manage_url())).content.decode()
    assert "Tilbudt plads" in manage and "Du er tilbudt en plads" in manage
    assert path(offered.offer_url()) in manage
    mine = browser.get(path(offered.mine_url())).content.decode()
    assert "Tilbudt plads" in mine and "tag pladsen senest" in mine
    assert path(offered.offer_url()) in mine


def test_the_moderator_sees_offers_out_with_their_deadlines(client, vive_moderator, offered):
    client.force_login(vive_moderator)
    response = client.get(reverse("registrations:index"), {"status": "offered"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Olga Offer" in content and "Niels Næste" not in content
    assert "Tilbud udløber" in content or "tilbud udløber" in content
    [row] = response.context["event_counts"]
    assert (row["offered"], row["waiting"], row["seats_left"]) == (1, 1, 0)
    assert row["offer_deadline"] == offered.offer_expires_at
    promote = reverse("registrations:action", args=[offered.pk, "promote"])
    assert promote in content
    question = client.get(promote).content.decode()
    assert "tilbudt pladsen med frist" in question
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Tilbudt plads" in dashboard and "første frist" in dashboard


@pytest.mark.parametrize("user", ["bv_editor", "bv_moderator"])
def test_another_partner_sees_no_offers(client, request, offered, user):
    client.force_login(request.getfixturevalue(user))
    for params in ({"status": "offered"}, {"event": offered.event_id}, {}):
        content = client.get(reverse("registrations:index"), params).content.decode()
        assert "Olga Offer" not in content and "VIVE-kursus" not in content
        assert offered.token not in content
    inspect = client.get(reverse("registrations:inspect", args=[offered.pk]))
    assert inspect.status_code in (302, 403, 404)
    assert "Olga Offer" not in inspect.content.decode()
    for action in ("promote", "cancel"):
        url = reverse("registrations:action", args=[offered.pk, action])
        assert client.post(url).status_code == 404
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "VIVE-kursus" not in dashboard and "Olga Offer" not in dashboard
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_the_editor_sets_the_offer_hours_in_the_events_registration_tab(
    client, vive_editor, offered
):
    client.force_login(vive_editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[offered.event_id]))
    content = edit.content.decode()
    assert 'name="waiting_list_offer_hours"' in content
    assert "Tilbud fra ventelisten (timer)" in content or "tilbud fra ventelisten" in content


@pytest.mark.parametrize(
    "hours,saved,error",
    [
        ("48", 48, None),
        ("", None, None),
        ("0", None, "mindst 1 time"),
        ("100000", None, "højst 720 timer"),
        ("otte", None, "Indtast et heltal"),
    ],
)
def test_the_editor_saves_the_offer_hours_or_gets_a_danish_message(
    client, event_of, vive, vive_editor, hours, saved, error
):
    event = event_of(vive, capacity=10)
    client.force_login(vive_editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[event.pk]),
        edit_form_data(event, waiting_list_offer_hours=hours),
    )
    draft = type(event).objects.get(pk=event.pk).get_latest_revision_as_object()
    if error is None:
        assert response.status_code == 302
        assert draft.waiting_list_offer_hours == saved
    else:
        assert response.status_code == 200
        assert error in response.content.decode()
        assert draft.waiting_list_offer_hours is None
