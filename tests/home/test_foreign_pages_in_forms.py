"""A page may link only to pages its editor may see: their own area's, or live, public ones.

Rich-text links, page chooser blocks and page foreign keys took any page id: saved, the editor's
own form then carried the linked page's URL (Draftail's contentstate), drafts of other partners
included. And Draftail's converter deleted, link text and all, any entity a field has no feature
for, so another partner's document or image posted into such a field vanished unnoticed.
Only new references are refused: one the page's latest revision already makes is kept, so
another partner hiding a page does not stop an editor saving their own.
"""

from __future__ import annotations

import json

import pytest
from wagtail.models import PageViewRestriction

from events.models import EventPage
from home.models import ContentPage, KnowledgeIndexPage, KnowledgePage
from tests.events.conftest import build_event, edit_form_data
from tests.home.test_foreign_media import _errors, _knowledge_data, _stream

REFUSED_PAGE = "er ikke offentliggjort, eller den ligger uden for dit område"


def _contentstate(entity_type: str, target_id: int, text: str = "Læs mere") -> str:
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": len(text), "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {"type": entity_type, "mutability": "MUTABLE", "data": {"id": target_id}}
            },
        }
    )


@pytest.fixture
def vive_pages(vive, knowledge_page_of):
    draft = knowledge_page_of(vive, title="VIVEs hemmelige udkast", live=False)
    private = knowledge_page_of(vive, title="VIVEs lukkede rapport")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    public = knowledge_page_of(vive, title="VIVEs offentlige rapport")
    return {"draft": draft, "private": private, "public": public}


def _post_event_link(client, bv, bv_editor, target_id: int):
    event = build_event(bv, title="Webinar med links")
    revisions = event.revisions.count()
    body = _stream("body", [("paragraph", _contentstate("LINK", target_id))])
    client.force_login(bv_editor)
    response = client.post(f"/admin/pages/{event.pk}/edit/", edit_form_data(event) | body)
    return event, revisions, response


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_a_rich_text_link_to_another_partners_hidden_page_is_refused(
    client, bv, bv_editor, vive_pages, kind
):
    target = vive_pages[kind]
    event, revisions, response = _post_event_link(client, bv, bv_editor, target.pk)
    assert response.status_code == 200
    assert f"Side nr. {target.pk} {REFUSED_PAGE}" in _errors(response)
    assert target.title not in response.content.decode()
    assert target.url_path not in response.content.decode()
    assert event.revisions.count() == revisions


def test_a_rich_text_link_to_an_unknown_page_is_refused(client, bv, bv_editor, centre):
    event, revisions, response = _post_event_link(client, bv, bv_editor, 999999)
    assert response.status_code == 200
    assert f"Side nr. 999999 {REFUSED_PAGE}" in _errors(response)
    assert event.revisions.count() == revisions


def test_a_rich_text_link_to_another_partners_public_page_is_accepted(
    client, bv, bv_editor, vive_pages
):
    target = vive_pages["public"]
    event, revisions, response = _post_event_link(client, bv, bv_editor, target.pk)
    assert response.status_code == 302, _errors(response)
    saved = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert f'linktype="page" id="{target.pk}"' in saved.body[0].value.source


def _cta(page_id: int) -> dict:
    value = {"title": "Læs videre", "text": "", "link_text": "Læs", "url": ""}
    return _stream("body", [("call_to_action", value | {"page": str(page_id)})])


def _about_page() -> ContentPage:
    about = ContentPage.objects.get(slug="om-videnscentret")
    page = ContentPage(title="Om metoden", slug="om-metoden", intro="", live=False)
    about.add_child(instance=page)
    page.save_revision()
    return page


def _content_data(page: ContentPage) -> dict:
    return {
        "title": page.title,
        "slug": page.slug,
        "intro": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_a_call_to_action_to_another_partners_hidden_page_is_refused(
    client, sst_editor, vive_pages, kind
):
    page, target = _about_page(), vive_pages[kind]
    revisions = page.revisions.count()
    client.force_login(sst_editor)
    response = client.post(f"/admin/pages/{page.pk}/edit/", _content_data(page) | _cta(target.pk))
    assert response.status_code == 200
    assert f"Side nr. {target.pk} {REFUSED_PAGE}" in _errors(response)
    assert target.title not in response.content.decode()
    assert page.revisions.count() == revisions


def test_a_call_to_action_to_another_partners_public_page_is_accepted(
    client, sst_editor, vive_pages
):
    page, target = _about_page(), vive_pages["public"]
    client.force_login(sst_editor)
    response = client.post(f"/admin/pages/{page.pk}/edit/", _content_data(page) | _cta(target.pk))
    assert response.status_code == 302, _errors(response)
    saved = ContentPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert saved.body[0].value["page"].pk == target.pk


@pytest.mark.parametrize("entity", ["DOCUMENT", "IMAGE", "LINK"])
def test_foreign_references_in_a_field_without_their_feature_are_refused_not_dropped(
    client, vive, bv, vive_editor, document_of, image_of, knowledge_page_of, entity
):
    """The summary has no document or image feature: Draftail's converter would delete the
    entity with its text before any check saw it."""
    target = {
        "DOCUMENT": lambda: document_of(bv),
        "IMAGE": lambda: image_of(bv),
        "LINK": lambda: knowledge_page_of(bv, title="BVs udkast", live=False),
    }[entity]()
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    client.force_login(vive_editor)
    response = client.post(
        f"/admin/pages/add/home/knowledgepage/{folder.pk}/",
        _knowledge_data("rapport-med-links", summary=_contentstate(entity, target.pk)),
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get("summary", []))
    assert f"nr. {target.pk}" in errors, errors
    assert not KnowledgePage.objects.filter(slug="rapport-med-links").exists()


def test_a_deleted_block_is_not_checked(client, bv, bv_editor, vive_pages):
    event = build_event(bv, title="Webinar med slettet afsnit")
    body = _stream("body", [("paragraph", _contentstate("LINK", vive_pages["draft"].pk))])
    body["body-0-deleted"] = "1"
    client.force_login(bv_editor)
    response = client.post(f"/admin/pages/{event.pk}/edit/", edit_form_data(event) | body)
    assert response.status_code == 302, _errors(response)


def test_the_editor_is_not_told_the_address_of_an_existing_link_to_a_hidden_page(
    client, vive, bv, bv_editor, vive_editor, vive_pages
):
    draft, public = vive_pages["draft"], vive_pages["public"]
    paragraph = (
        f'<p><a linktype="page" id="{draft.pk}">Udkastet</a> og '
        f'<a linktype="page" id="{public.pk}">rapporten</a></p>'
    )
    event = build_event(bv, title="Webinar med gamle links", body=[("paragraph", paragraph)])
    client.force_login(bv_editor)
    body = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert "Udkastet" in body  # the link's own text is the event's
    assert draft.slug not in body
    assert draft.title not in body
    assert public.slug in body

    # VIVE's own editor sees their draft's address in the same link.
    vive_event = build_event(vive, title="VIVE-webinar", body=[("paragraph", paragraph)])
    client.force_login(vive_editor)
    body = client.get(f"/admin/pages/{vive_event.pk}/edit/").content.decode()
    assert draft.slug in body


def _event_linking_to(bv, target) -> EventPage:
    """A BV event whose saved revision links to ``target``, as a coordinator would have put it."""
    paragraph = f'<p><a linktype="page" id="{target.pk}">Læs mere</a></p>'
    return build_event(bv, title="Webinar med et gammelt link", body=[("paragraph", paragraph)])


def test_a_link_the_page_already_had_is_kept_when_its_target_is_hidden_since(
    client, bv, bv_editor, vive_pages
):
    target = vive_pages["public"]
    event = _event_linking_to(bv, target)
    target.unpublish()
    body = _stream("body", [("paragraph", _contentstate("LINK", target.pk))])
    client.force_login(bv_editor)
    response = client.post(
        f"/admin/pages/{event.pk}/edit/", edit_form_data(event, title="Nyt navn") | body
    )
    assert response.status_code == 302, _errors(response)
    saved = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert saved.title == "Nyt navn"
    assert f'linktype="page" id="{target.pk}"' in saved.body[0].value.source


def test_a_new_link_to_a_hidden_page_is_refused_beside_a_kept_one(
    client, bv, bv_editor, vive_pages
):
    old, new = vive_pages["public"], vive_pages["draft"]
    event = _event_linking_to(bv, old)
    old.unpublish()
    revisions = event.revisions.count()
    body = _stream(
        "body",
        [
            ("paragraph", _contentstate("LINK", old.pk)),
            ("paragraph", _contentstate("LINK", new.pk)),
        ],
    )
    client.force_login(bv_editor)
    response = client.post(
        f"/admin/pages/{event.pk}/edit/", edit_form_data(event, title="Nyt navn") | body
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert f"Side nr. {new.pk} {REFUSED_PAGE}" in errors
    assert f"Side nr. {old.pk} " not in errors
    assert event.revisions.count() == revisions


def test_a_hidden_page_linked_from_another_page_only_is_refused(client, bv, bv_editor, vive_pages):
    """What counts as already there is the page's own revision, not any page's."""
    target = vive_pages["public"]
    _event_linking_to(bv, target)
    target.unpublish()
    event, revisions, response = _post_event_link(client, bv, bv_editor, target.pk)
    assert response.status_code == 200
    assert f"Side nr. {target.pk} {REFUSED_PAGE}" in _errors(response)
    assert event.revisions.count() == revisions


def test_an_image_the_page_already_had_is_kept(client, vive, bv, vive_editor, image_of):
    foreign = image_of(bv, title="Børns Vilkårs billede")
    block = {"image": foreign, "caption": "", "attribution": ""}
    event = build_event(vive, title="Webinar med et lånt billede", body=[("image", block)])
    image = {"image": str(foreign.pk), "caption": "", "attribution": ""}
    client.force_login(vive_editor)
    response = client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, title="Nyt navn") | _stream("body", [("image", image)]),
    )
    assert response.status_code == 302, _errors(response)
    saved = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert saved.body[0].value["image"].pk == foreign.pk


def test_a_page_without_revisions_keeps_the_links_of_its_row(client, sst_editor, vive_pages):
    target = vive_pages["public"]
    about = ContentPage.objects.get(slug="om-videnscentret")
    cta = {"title": "Læs videre", "text": "", "link_text": "Læs", "url": "", "page": target}
    page = ContentPage(
        title="Om metoden", slug="om-metoden", intro="", body=[("call_to_action", cta)]
    )
    about.add_child(instance=page)
    assert page.get_latest_revision() is None
    target.unpublish()
    client.force_login(sst_editor)
    response = client.post(f"/admin/pages/{page.pk}/edit/", _content_data(page) | _cta(target.pk))
    assert response.status_code == 302, _errors(response)
    saved = ContentPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert saved.body[0].value["page"].pk == target.pk
