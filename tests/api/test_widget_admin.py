"""The widget's code in the admin (issue 15): each partner's people get their own partner's code,
never another's, whatever the address says; coordinators choose any partner.

Every admin view is also read by each partner's editor and moderator in the admin permission
matrix (``tests/admin/test_scoped_listings.py``, "widget"): no other partner's draft there.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Group

from home.areas.membership import SHARED_EDITORS_GROUP
from tests.events.conftest import build_event
from tests.events.registrations import vocabulary  # noqa: F401

INDEX = "/admin/widget/"
RESULTS = "/admin/widget/results/"
LOADER = '<script type="module" src="http://cms.example.dk/widget/v1.js"></script>'
VIVE_ELEMENT = (
    '<videnscenter-events partner="vive">\n'
    '  <a href="http://cms.example.dk/arrangementer/?partner=vive">Se VIVEs arrangementer</a>\n'
    "</videnscenter-events>"
)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BASE_URL = "http://cms.example.dk"


@pytest.fixture
def drafts(centre, vive, bv):
    return {
        "vive": build_event(vive, title="VIVEs hemmelige kladde", publish=False),
        "bv": build_event(bv, title="Børns Vilkårs hemmelige kladde", publish=False),
    }


def _get(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body))


def _snippet(body: str) -> str:
    start = body.index('<textarea id="widget-snippet"')
    return html.unescape(body[body.index(">", start) + 1 : body.index("</textarea>", start)])


def test_an_editor_gets_their_own_partners_code(client, vive_editor, drafts):
    body = _get(client, vive_editor, INDEX)
    assert _snippet(body) == f"{LOADER}\n{VIVE_ELEMENT}"
    assert "boerns-vilkaar" not in body and "socialstyrelsen" not in body
    assert "Børns Vilkårs hemmelige kladde" not in body
    # The live preview: the element itself, with the loader from this server.
    assert VIVE_ELEMENT in body
    assert '<script type="module" src="/widget/v1.js"></script>' in body


@pytest.mark.parametrize("url", [INDEX, RESULTS])
def test_another_partner_in_the_address_gives_the_editor_their_own_code(
    client, vive_editor, drafts, url
):
    body = _get(client, vive_editor, url, partner="boerns-vilkaar", type="webinar")
    assert 'partner="vive" type="webinar"' in _snippet(body)
    assert "boerns-vilkaar" not in body
    assert "Børns Vilkårs hemmelige kladde" not in body


def test_another_partners_moderator_gets_only_their_own_code(client, bv_moderator, drafts):
    for params in ({}, {"partner": "vive"}, {"partner": ["vive", "boerns-vilkaar"]}):
        body = _get(client, bv_moderator, INDEX, **params)
        assert 'partner="boerns-vilkaar"' in _snippet(body)
        assert "Se Børns Vilkårs arrangementer" in body
        assert 'partner="vive"' not in body and "VIVEs hemmelige kladde" not in body


def test_a_coordinator_chooses_any_partner(client, coordinator, drafts):
    body = _get(client, coordinator, INDEX)
    assert 'partner="socialstyrelsen"' in _snippet(body)  # their own, first
    assert '<option value="vive"' in body and '<option value="boerns-vilkaar"' in body
    body = _get(client, coordinator, INDEX, partner="vive")
    assert 'partner="vive"' in _snippet(body)


@pytest.mark.usefixtures("vocabulary")
def test_the_chosen_filters_become_the_elements_attributes(client, vive_editor):
    body = _get(
        client,
        vive_editor,
        RESULTS,
        # Given out of order: the code lists types as the choices do, terms by name.
        type=["webinar", "conference"],
        audience=["skole", "ppr"],
        format="online",
        view="calendar",
        page_size="5",
        lang="en",
    )
    element = (
        '<videnscenter-events partner="vive" type="conference,webinar" audience="ppr,skole" '
        'format="online" view="calendar" page-size="5" lang="en">\n'
        '  <a href="http://cms.example.dk/arrangementer/?partner=vive&amp;type=conference,webinar'
        '&amp;audience=ppr,skole&amp;format=online">See VIVE’s events</a>\n'
        "</videnscenter-events>"
    )
    assert _snippet(body) == f"{LOADER}\n{element}"
    assert element in body  # the preview


@pytest.mark.usefixtures("vocabulary")
def test_defaults_and_invalid_values_are_left_out(client, vive_editor):
    body = _get(
        client, vive_editor, RESULTS, view="list", lang="da", type="bogus", page_size="1000"
    )
    assert _snippet(body) == f"{LOADER}\n{VIVE_ELEMENT}"


@pytest.mark.parametrize("template", ["", "http://cms.example.dk/arrangementer/{id}/"])
def test_while_links_go_to_the_hosted_page_the_partner_is_told_how_to_set_their_own(
    client, vive_editor, vive, template
):
    vive.event_url_template = template
    vive.save()
    body = html.unescape(_get(client, vive_editor, INDEX))
    assert "videnscentrets egen side, http://cms.example.dk/arrangementer/{id}/" in _text(body)
    assert "#arrangement-{id}" in body
    assert "http://cms.example.dk/arrangementer/?partner=vive" in body
    # An editor cannot edit the partner: the coordinator sets the address.
    assert "/admin/snippets/home/partner/edit/" not in body


def test_a_partners_own_address_for_events_is_shown(client, vive_editor, vive):
    vive.event_url_template = "https://www.vive.dk/arrangementer/#arrangement-{id}"
    vive.save()
    body = html.unescape(_get(client, vive_editor, INDEX))
    assert "linker til et arrangement på https://www.vive.dk/arrangementer/#arrangement-{id}" in (
        _text(body)
    )
    assert "videnscentrets egen side" not in body


def test_coordinators_and_superusers_get_a_link_to_edit_the_partner(
    client, make_user, coordinator, vive
):
    for user in (coordinator, make_user("admin", is_superuser=True)):
        body = _get(client, user, INDEX, partner="vive")
        assert f"/admin/snippets/home/partner/edit/{vive.pk}/" in body


def test_signed_out_people_are_sent_to_the_login(client, centre):
    for url in (INDEX, RESULTS + "?partner=vive"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_people_of_no_partner_are_turned_away_and_have_no_menu_item(client, make_user, centre):
    shared = make_user("faelles", Group.objects.get(name=SHARED_EDITORS_GROUP))
    client.force_login(shared)
    for url in (INDEX, RESULTS):
        # Wagtail answers a denial by sending the user back to the dashboard.
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert '"/admin/widget/"' not in client.get("/admin/").content.decode()


def test_the_menu_shows_the_widget_to_a_partners_people(client, vive_editor):
    client.force_login(vive_editor)
    assert '"/admin/widget/"' in client.get("/admin/").content.decode()
