"""A partner's editors and moderators never reach another partner's pages or media.

Every check goes through the admin's own views, as an editor's browser would.
"""

import pytest
from wagtail.models import Page


def assert_denied(response) -> None:
    """Wagtail answers a permission denial with 403, or a redirect to the dashboard."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.fixture
def bv_page(bv, knowledge_page_of):
    return knowledge_page_of(bv, title="Børns Vilkårs hemmelige udkast", live=False)


@pytest.fixture
def as_vive_editor(client, vive_editor):
    client.force_login(vive_editor)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{id}/edit/",
        "/admin/pages/{id}/delete/",
        "/admin/pages/{id}/move/",
        "/admin/pages/{id}/copy/",
        "/admin/pages/{id}/edit/preview/",
        "/admin/pages/{id}/history/",
    ],
)
def test_vive_editor_cannot_open_another_partners_page_actions(as_vive_editor, bv_page, url):
    response = as_vive_editor.get(url.format(id=bv_page.pk))
    assert_denied(response)
    assert "hemmelige udkast" not in response.content.decode()


def test_vive_editor_cannot_save_or_publish_another_partners_page(as_vive_editor, bv_page):
    response = as_vive_editor.post(
        f"/admin/pages/{bv_page.pk}/edit/",
        {"title": "Overtaget", "slug": bv_page.slug, "action-publish": "publish"},
    )
    assert_denied(response)
    bv_page.refresh_from_db()
    assert bv_page.title == "Børns Vilkårs hemmelige udkast"
    assert not bv_page.live


def test_vive_editor_cannot_add_pages_in_another_partners_folder(as_vive_editor, bv):
    folder = Page.objects.get(slug=bv.slug, depth=4, content_type__model="knowledgeindexpage")
    assert_denied(as_vive_editor.get(f"/admin/pages/add/home/knowledgepage/{folder.pk}/"))


def test_vive_editor_does_not_see_another_partners_drafts_in_search(as_vive_editor, bv_page):
    response = as_vive_editor.get("/admin/pages/search/", {"q": "hemmelige"})
    assert response.status_code == 200
    assert "hemmelige udkast" not in response.content.decode()


def test_vive_editor_can_edit_own_partners_page(as_vive_editor, vive, knowledge_page_of):
    page = knowledge_page_of(vive, title="VIVE-rapport")
    response = as_vive_editor.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200


def test_vive_editor_cannot_publish_own_page_only_submit(as_vive_editor, vive, knowledge_page_of):
    page = knowledge_page_of(vive, title="VIVE-udkast", live=False)
    as_vive_editor.post(
        f"/admin/pages/{page.pk}/edit/",
        {
            "title": "VIVE-udkast",
            "slug": page.slug,
            "kind": "report",
            "year": "2024",
            "key_findings-count": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "action-publish": "publish",
        },
    )
    page.refresh_from_db()
    assert not page.live


def test_vive_editor_cannot_open_or_list_another_partners_image(as_vive_editor, bv, vive, image_of):
    secret = image_of(bv, title="BV privat billede")
    own = image_of(vive, title="VIVE eget billede")
    assert_denied(as_vive_editor.get(f"/admin/images/{secret.pk}/"))
    listing = as_vive_editor.get("/admin/images/").content.decode()
    assert "BV privat billede" not in listing
    assert "VIVE eget billede" in listing
    chooser = as_vive_editor.get("/admin/images/chooser/").content.decode()
    assert "BV privat billede" not in chooser
    assert own.pk


def test_vive_editor_cannot_open_or_list_another_partners_document(
    as_vive_editor, bv, vive, document_of
):
    secret = document_of(bv, title="BV privat dokument")
    document_of(vive, title="VIVE eget dokument")
    assert_denied(as_vive_editor.get(f"/admin/documents/edit/{secret.pk}/"))
    listing = as_vive_editor.get("/admin/documents/").content.decode()
    assert "BV privat dokument" not in listing
    assert "VIVE eget dokument" in listing
    chooser = as_vive_editor.get("/admin/documents/chooser/").content.decode()
    assert "BV privat dokument" not in chooser


def test_vive_moderator_cannot_touch_another_partners_page(client, vive_moderator, bv_page):
    client.force_login(vive_moderator)
    assert_denied(client.get(f"/admin/pages/{bv_page.pk}/edit/"))
    assert_denied(client.post(f"/admin/pages/{bv_page.pk}/delete/"))
    assert Page.objects.filter(pk=bv_page.pk).exists()


def test_coordinator_can_moderate_across_partners(client, coordinator, bv_page):
    client.force_login(coordinator)
    assert client.get(f"/admin/pages/{bv_page.pk}/edit/").status_code == 200
