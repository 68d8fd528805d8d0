""" "Select all in listing" on Wagtail's own bulk actions: a filter it cannot apply is an error.

Wagtail's script sends the listing's whole query string with ``id=all``, and its actions apply
only the folder and the search; anything else (a page type, a tag, an unknown or foreign folder)
must be a Danish 400 with nothing done, on GET and on POST.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.models import Page

from events.models import EventIndexPage
from home.areas import scoping as admin_scoping
from tests.events.conftest import build_event

Document = get_document_model()
REFUSED = "Handlingen er ikke udført"


@pytest.fixture
def scoped_bulk_actions():
    """The area-scoped actions as ``home/wagtail_hooks.py`` registers them, over Wagtail's."""
    bulk_action_registry._scan_for_bulk_actions()
    saved = {}
    for action in admin_scoping.BULK_ACTIONS:
        for model in action.models:
            slot = bulk_action_registry.actions[model._meta.app_label][model._meta.model_name]
            saved[(id(slot), action.action_type)] = (slot, slot.get(action.action_type))
            slot[action.action_type] = action
    yield
    for (_, action_type), (slot, previous) in saved.items():
        slot[action_type] = previous


def _bulk(app: str, model: str, action: str, query: str) -> str:
    return reverse("wagtail_bulk_action", args=[app, model, action]) + "?" + query


@pytest.fixture
def pages(centre, vive, bv):
    vive_folder = EventIndexPage.objects.get(partner=vive)
    bv_folder = EventIndexPage.objects.get(partner=bv)
    live = build_event(vive, title="VIVE-webinar")
    draft = build_event(vive, title="VIVE-kladde", publish=False)
    return {"vive": vive_folder, "bv": bv_folder, "live": live, "draft": draft}


def _page_state():
    return list(Page.objects.order_by("pk").values_list("pk", "live", "path"))


@pytest.mark.parametrize(
    "query",
    [
        "id=all&childOf={vive}&content_type=1",  # a page-type filter it would drop
        "id=all&childOf={vive}&owner=1",
        "id=all&childOf={vive}&latest_revision_created_at_from=2026-01-01",
        "id=all",  # no folder, no search: the whole tree
        "id=all&childOf=999999",
        "id=all&childOf=abc",
        "id=all&childOf={bv}",  # another partner's folder
        "id=all&childOf={vive}&childOf={bv}",
    ],
)
@pytest.mark.parametrize("action", ["delete", "unpublish", "publish"])
def test_page_select_all_with_a_filter_it_cannot_apply_does_nothing(
    client, scoped_bulk_actions, vive_moderator, pages, query, action
):
    client.force_login(vive_moderator)
    url = _bulk(
        "wagtailcore", "page", action, query.format(**{k: pages[k].pk for k in ("vive", "bv")})
    )
    before = _page_state()
    confirmation = client.get(url)
    assert confirmation.status_code == 400
    body = confirmation.content.decode()
    assert REFUSED in body and 'method="POST"' not in body
    assert "VIVE-webinar" not in body and "VIVE-kladde" not in body
    assert client.post(url).status_code == 400
    assert _page_state() == before


def test_page_select_all_in_a_folder_still_works(
    client, scoped_bulk_actions, vive_moderator, pages
):
    client.force_login(vive_moderator)
    query = f"id=all&childOf={pages['vive'].pk}&ordering=title&p=1&q=&content_type="
    confirmation = client.get(_bulk("wagtailcore", "page", "unpublish", query))
    assert confirmation.status_code == 200
    assert "VIVE-webinar" in confirmation.content.decode()


@pytest.fixture
def documents(vive, bv):
    def document(title, collection, tag=None):
        doc = Document(title=title, collection=collection)
        doc.file.save(f"{title}.txt", ContentFile(b"indhold"), save=False)
        doc.save()
        if tag:
            doc.tags.add(tag)
        return doc

    return {
        "old": document("Gammelt notat", vive.collection, tag="gammel"),
        "new": document("Nyt notat", vive.collection),
        "bv": document("BV-notat", bv.collection),
    }


@pytest.mark.parametrize(
    "query",
    [
        "id=all&tag=gammel",  # the tag filter it would drop: every document would go
        "id=all&childOf={vive}&collection_id={vive}&tag=gammel",
        "id=all&usage_count_min=1",
        "id=all&collection_id={vive}",  # a collection filter without its folder
        "id=all&childOf={bv}",
        "id=all&childOf={vive}&collection_id={bv}",
        "id=all&childOf=999999",
        "id=all&childOf=abc",
        "id=all&childOf=%C2%B2",  # "²": str.isdigit() says yes, int() says no
    ],
)
@pytest.mark.parametrize("action", ["delete", "add_tags"])
def test_document_select_all_with_a_filter_it_cannot_apply_does_nothing(
    client, scoped_bulk_actions, vive_moderator, vive, bv, documents, query, action
):
    client.force_login(vive_moderator)
    ids = {"vive": vive.collection_id, "bv": bv.collection_id}
    url = _bulk("wagtaildocs", "document", action, query.format(**ids))
    before = list(Document.objects.order_by("pk").values_list("pk", "collection_id"))
    confirmation = client.get(url)
    assert confirmation.status_code == 400
    body = confirmation.content.decode()
    assert REFUSED in body and 'method="POST"' not in body
    assert "notat" not in body
    assert client.post(url, {"tags": "slet"}).status_code == 400
    assert list(Document.objects.order_by("pk").values_list("pk", "collection_id")) == before
    assert not Document.objects.filter(tags__name="slet").exists()


def test_document_select_all_in_its_collection_still_works(
    client, scoped_bulk_actions, vive_moderator, vive, documents
):
    client.force_login(vive_moderator)
    own = vive.collection_id
    query = f"id=all&childOf={own}&collection_id={own}&ordering=-created_at&tag="
    confirmation = client.get(_bulk("wagtaildocs", "document", "delete", query))
    assert confirmation.status_code == 200
    body = confirmation.content.decode()
    assert "Gammelt notat" in body and "Nyt notat" in body and "BV-notat" not in body


def test_image_select_all_with_a_tag_filter_deletes_nothing(
    client, scoped_bulk_actions, vive_moderator, vive
):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    Image = get_image_model()
    Image.objects.create(
        title="Gammelt foto", file=get_test_image_file(), collection=vive.collection
    )
    Image.objects.create(title="Nyt foto", file=get_test_image_file(), collection=vive.collection)
    client.force_login(vive_moderator)
    url = _bulk("wagtailimages", "image", "delete", "id=all&tag=gammel")
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert Image.objects.count() == 2
