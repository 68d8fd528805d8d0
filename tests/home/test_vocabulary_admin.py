"""The vocabulary (topics, audiences, municipalities, partners) is kept in the admin by the
coordinators; partner editors do not change it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow

from home.models import Partner, Topic
from home.models.vocabulary import contrast_on_white


def test_coordinator_adds_a_topic_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    url = reverse("wagtailsnippets_home_topic:add")
    response = client.post(url, {"name": "Skolefravær", "slug": "skolefravaer", "description": ""})
    assert response.status_code == 302
    assert Topic.objects.filter(slug="skolefravaer").exists()


@pytest.mark.parametrize(
    "name",
    [
        "wagtailsnippets_home_topic",
        "wagtailsnippets_home_audience",
        "wagtailsnippets_home_municipality",
        "wagtailsnippets_home_partner",
    ],
)
def test_every_vocabulary_lists_for_the_coordinator(client, coordinator, name):
    client.force_login(coordinator)
    assert client.get(reverse(f"{name}:list")).status_code == 200


def test_a_partner_editor_cannot_change_the_vocabulary(client, vive_editor):
    client.force_login(vive_editor)
    url = reverse("wagtailsnippets_home_topic:add")
    response = client.post(url, {"name": "Uønsket", "slug": "uoensket"})
    assert response.status_code in (302, 403)
    assert not Topic.objects.filter(slug="uoensket").exists()


def test_wagtails_english_starter_names_are_gone(centre):
    assert Page.get_first_root_node().title == "Rod"
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Workflow.objects.filter(active=True, name__contains="ikke i brug").exists()


def _partner_form(partner: Partner, **fields) -> dict:
    data = {
        "name": partner.name,
        "short_name": partner.short_name,
        "slug": partner.slug,
        "website": partner.website,
        "event_url_template": partner.event_url_template,
        "logo": "",
        "colour": partner.colour,
        "role": partner.role,
    }
    return {**data, **fields}


def test_the_coordinator_sets_a_partners_colour_in_the_admin(client, coordinator, vive):
    client.force_login(coordinator)
    url = reverse("wagtailsnippets_home_partner:edit", args=[vive.pk])
    response = client.post(url, _partner_form(vive, colour="#004B55"))
    assert response.status_code == 302
    vive.refresh_from_db()
    assert vive.colour == "#004B55"


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("blå", "skriv den som #rrggbb"),
        ("#fff", "skriv den som #rrggbb"),
        ("#00646g", "skriv den som #rrggbb"),
        ("#ffcc00", "for lys til tekst på hvid baggrund (kontrast 1,5:1"),
        ("#0088cc", "kontrast 3,9:1"),
    ],
)
def test_a_colour_that_is_no_hex_or_too_light_for_text_is_refused_in_danish(
    client, coordinator, vive, colour, message
):
    client.force_login(coordinator)
    url = reverse("wagtailsnippets_home_partner:edit", args=[vive.pk])
    response = client.post(url, _partner_form(vive, colour=colour))
    assert response.status_code == 200
    assert message in response.content.decode()
    vive.refresh_from_db()
    assert vive.colour == "#00646e"


def test_contrast_on_white_is_wcags():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#FFFFFF") == pytest.approx(1.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)  # the AA grey
