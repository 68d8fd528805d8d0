"""Headless preview: a draft as the consuming sites will receive it; page addresses never fail."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from home.models import ContentPage


@pytest.fixture
def draft_about(centre):
    # Shared editors work in the "Om videnscentret" subtree.
    about = ContentPage.objects.get(slug="om-videnscentret")
    page = ContentPage(
        title="Om os – kladde",
        slug="om-os-kladde",
        intro="Hemmelig kladdetekst",
        body=[("paragraph", "<p>Børn skal <b>høres</b>.</p>")],
        live=False,
    )
    about.add_child(instance=page)
    page.save_revision()
    return page


def content_form_data(page) -> dict:
    """The edit form as a browser posts it (the body's blocks are left out)."""
    return {
        "title": page.title,
        "slug": page.slug,
        "intro": page.intro,
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_editor_previews_a_draft_content_page_as_api_json(client, draft_about, sst_editor):
    client.force_login(sst_editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[draft_about.pk])
    assert client.post(url, content_form_data(draft_about)).json()["is_valid"]
    response = client.get(url + "?mode=api")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["title"] == "Om os – kladde"
    assert data["type"] == "ContentPage"
    assert data["intro"] == "Hemmelig kladdetekst"
    assert data["body"] == []


def test_a_draft_knowledge_item_previews_as_the_knowledge_api_answers(
    rf, knowledge_page_of, vive, vive_editor
):
    page = knowledge_page_of(vive, title="Rapport om børnesamtaler", live=False)
    request = rf.get("/")
    request.user = vive_editor
    response = page.get_latest_revision_as_object().serve_preview(request, "api")
    data = json.loads(response.content)
    assert data["title"] == "Rapport om børnesamtaler"
    assert data["kind"] == "report" and data["year"] == 2024


def test_another_partners_editor_cannot_preview(client, knowledge_page_of, vive, bv_editor):
    page = knowledge_page_of(vive, title="VIVEs kladde", live=False)
    client.force_login(bv_editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    response = client.get(url + "?mode=api")
    assert response.status_code in (302, 403)
    assert b"VIVEs kladde" not in response.content


def test_page_addresses_render_a_plain_danish_page_never_a_server_error(client, centre):
    for path in ("/", "/om-videnscentret/", "/viden/", "/arrangementer/"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if response.status_code == 200:
            assert 'lang="da"' in response.content.decode()
