"""Another partner's images and documents cannot be put into a page by their raw id.

The choosers offer an editor only their own partner's collection and *Fælles*; these tests POST
the admin's own create and edit forms with ids the choosers would never offer, as a browser
(or a hostile editor) would send them.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import EventIndexPage, EventPage
from home.models import ContentPage, KnowledgeIndexPage, KnowledgePage
from tests.events.conftest import build_event, edit_form_data, event_form_data

REFUSED_IMAGE = "ligger ikke i en samling, du må bruge"
START = timezone.now().replace(microsecond=0) + timedelta(days=30)


def _errors(response) -> str:
    """Every error of the page form and its inline forms, as text."""
    form = response.context["form"]
    texts = [str(e) for errors in form.errors.values() for e in errors]
    for formset in form.formsets.values():
        for child in formset.forms:
            texts += [str(e) for errors in child.errors.values() for e in errors]
    return " ".join(texts)


def _stream(prefix: str, blocks: list[tuple[str, dict | str]]) -> dict:
    data = {f"{prefix}-count": str(len(blocks))}
    for i, (block_type, value) in enumerate(blocks):
        data |= {
            f"{prefix}-{i}-type": block_type,
            f"{prefix}-{i}-deleted": "",
            f"{prefix}-{i}-order": str(i),
            f"{prefix}-{i}-id": f"00000000-0000-0000-0000-00000000000{i}",
        }
        if isinstance(value, dict):
            data |= {f"{prefix}-{i}-value-{name}": v for name, v in value.items()}
        else:
            data[f"{prefix}-{i}-value"] = value
    return data


def _document_link(document_id: int) -> str:
    """A paragraph in Draftail's contentstate, linking its text to a document by id."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": "Læs notatet",
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 11, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {"type": "DOCUMENT", "mutability": "MUTABLE", "data": {"id": document_id}}
            },
        }
    )


def _event_data(slug: str, body: dict, **fields) -> dict:
    data = event_form_data(
        title="Webinar med billeder",
        slug=slug,
        sessions=[{"title": "", "start": START, "end": START + timedelta(hours=2)}],
        **fields,
    )
    return data | body


def _image_block(image_id: int) -> dict:
    return _stream("body", [("image", {"image": str(image_id), "caption": "", "attribution": ""})])


def test_vive_editor_adding_an_event_with_a_boerns_vilkaar_image_is_refused(
    client, vive, bv, vive_editor, image_of
):
    foreign = image_of(bv, title="Børns Vilkårs interne billede")
    folder = EventIndexPage.objects.get(partner=vive)
    client.force_login(vive_editor)
    response = client.post(
        f"/admin/pages/add/events/eventpage/{folder.pk}/",
        _event_data("webinar-med-billeder", _image_block(foreign.pk)),
    )
    assert response.status_code == 200
    assert REFUSED_IMAGE in _errors(response)
    assert f"Billede nr. {foreign.pk}" in _errors(response)
    assert not EventPage.objects.filter(slug="webinar-med-billeder").exists()
    # The refusal names the id the editor sent, never the other partner's title.
    assert "Børns Vilkårs interne billede" not in response.content.decode()


def test_an_image_of_the_editors_own_partner_is_accepted(client, vive, vive_editor, image_of):
    own = image_of(vive, title="VIVEs billede")
    folder = EventIndexPage.objects.get(partner=vive)
    client.force_login(vive_editor)
    response = client.post(
        f"/admin/pages/add/events/eventpage/{folder.pk}/",
        _event_data("webinar-med-eget-billede", _image_block(own.pk)),
    )
    assert response.status_code == 302, _errors(response)
    event = EventPage.objects.get(slug="webinar-med-eget-billede")
    assert event.get_latest_revision_as_object().body[0].value["image"] == own


def test_moderator_publishing_a_speaker_portrait_of_another_partner_is_refused(
    client, vive, bv, vive_moderator, image_of
):
    event = build_event(vive, title="Konference om inddragelse")
    foreign = image_of(bv)
    speaker = {"name": "Anne Jensen", "title": "", "image": str(foreign.pk), "bio": ""}
    data = edit_form_data(event, **{"action-publish": "action-publish"})
    data |= _stream("body", [("speaker", speaker)])
    client.force_login(vive_moderator)
    response = client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 200
    assert REFUSED_IMAGE in _errors(response)
    event.refresh_from_db()
    assert list(event.body) == []
    assert list(event.get_latest_revision_as_object().body) == []


def test_a_rich_text_link_to_another_partners_document_is_refused(
    client, vive, bv, vive_editor, document_of
):
    event = build_event(vive, title="Webinar med notat")
    foreign = document_of(bv)
    revisions = event.revisions.count()
    data = edit_form_data(event) | _stream("body", [("paragraph", _document_link(foreign.pk))])
    client.force_login(vive_editor)
    response = client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 200
    assert f"Dokument nr. {foreign.pk} ligger ikke i en samling" in _errors(response)
    assert event.revisions.count() == revisions


def test_slides_of_another_partners_document_are_refused(
    client, vive, bv, vive_editor, document_of
):
    event = build_event(vive, title="Webinar med slides")
    foreign = document_of(bv)
    data = edit_form_data(event) | {
        "slides-TOTAL_FORMS": "1",
        "slides-0-document": str(foreign.pk),
        "slides-0-title": "Slides",
        "slides-0-ORDER": "1",
        "slides-0-id": "",
    }
    client.force_login(vive_editor)
    response = client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 200
    assert f"Dokument nr. {foreign.pk}" in _errors(response)
    assert not event.get_latest_revision_as_object().slides.exists()


def _knowledge_data(slug: str, **fields) -> dict:
    data = {
        "title": "Rapport om inddragelse",
        "slug": slug,
        "kind": "report",
        "authors": "",
        "year": "2025",
        "key_findings-count": "0",
        "external_url": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
    }
    return data | fields


def test_knowledge_documents_of_another_partner_are_refused(
    client, vive, bv, vive_editor, document_of
):
    foreign, own = document_of(bv), document_of(vive, title="VIVEs rapport")
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    url = f"/admin/pages/add/home/knowledgepage/{folder.pk}/"
    client.force_login(vive_editor)
    documents = {"documents-TOTAL_FORMS": "1", "documents-0-title": "", "documents-0-ORDER": "1"}
    response = client.post(
        url, _knowledge_data("rapport", **documents, **{"documents-0-document": str(foreign.pk)})
    )
    assert response.status_code == 200
    assert f"Dokument nr. {foreign.pk}" in _errors(response)
    assert not KnowledgePage.objects.filter(slug="rapport").exists()

    response = client.post(
        url, _knowledge_data("rapport", **documents, **{"documents-0-document": str(own.pk)})
    )
    assert response.status_code == 302, _errors(response)
    page = KnowledgePage.objects.get(slug="rapport")
    assert [d.document for d in page.get_latest_revision_as_object().documents.all()] == [own]


@pytest.mark.parametrize("kind", ["image", "document"])
def test_shared_page_editor_cannot_use_a_partners_private_media(
    client, centre, bv, sst_editor, image_of, document_of, kind
):
    about = centre["about"]
    if kind == "image":
        foreign = image_of(bv)
        body = _stream(
            "body", [("image", {"image": str(foreign.pk), "caption": "", "attribution": ""})]
        )
    else:
        foreign = document_of(bv)
        body = _stream("body", [("document", {"document": str(foreign.pk), "title": ""})])
    data = {
        "title": "Kontakt",
        "slug": "kontakt",
        "intro": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    } | body
    client.force_login(sst_editor)
    response = client.post(f"/admin/pages/add/home/contentpage/{about.pk}/", data)
    assert response.status_code == 200
    assert "ligger ikke i en samling" in _errors(response)
    assert not ContentPage.objects.filter(slug="kontakt").exists()


def test_coordinator_may_use_any_partners_media(client, centre, bv, coordinator, image_of):
    foreign = image_of(bv)
    data = {
        "title": "Kontakt",
        "slug": "kontakt",
        "intro": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    } | _stream("body", [("image", {"image": str(foreign.pk), "caption": "", "attribution": ""})])
    client.force_login(coordinator)
    response = client.post(f"/admin/pages/add/home/contentpage/{centre['about'].pk}/", data)
    assert response.status_code == 302, _errors(response)
    assert ContentPage.objects.filter(slug="kontakt").exists()
