"""The vocabulary (topics, audiences, municipalities, partners) is kept in the admin by the
coordinators; partner editors do not change it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow

from home.models import Topic


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
