"""What the scoped admin views still offer, and that their actions refuse other partners' ids.

The listing matrix (test_scoped_listings.py) pins what is never shown; these pin what is: a
partner's own drafts by their draft titles, other partners' published pages by their live
titles, and own objects acted on while another partner's ids in the same request change
nothing.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from tests.admin.conftest import World


def _login(client, w: World, key: str):
    client.force_login(w.user(key))
    return client


def test_chooser_offers_own_drafts_and_other_partners_live_pages_by_live_title(client, w):
    _login(client, w, "editor:vive")
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    search = client.get("/admin/choose-page/search/", {"q": "Offentlig"}).content.decode()
    assert "Offentlig viden boerns-vilkaar" in search
    assert "HEMMELIG-REVISION-vive" in search
    own = client.get(f"/admin/choose-page/{vive.folder.pk}/").content.decode()
    assert "HEMMELIG-UDKAST-vive" in own and "HEMMELIG-PRIVAT-vive" in own
    foreign = client.get(f"/admin/choose-page/{bv.folder.pk}/")
    assert foreign.status_code == 200
    assert "Offentlig viden boerns-vilkaar" in foreign.content.decode()


@pytest.mark.parametrize("attr", ["draft", "private", "draft_event"])
def test_chooser_will_not_browse_below_another_partners_hidden_page(client, w, attr):
    _login(client, w, "moderator:vive")
    page = getattr(w.partners["boerns-vilkaar"], attr)
    assert client.get(f"/admin/choose-page/{page.pk}/").status_code == 404


def test_chosen_pages_answer_only_for_pages_the_chooser_offers(client, w):
    _login(client, w, "editor:vive")
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    ids = [vive.draft.pk, bv.draft.pk, bv.private.pk, bv.revised.pk]
    response = client.get("/admin/choose-page/chosen-multiple/", {"id": ids})
    result = {row["id"]: row["adminTitle"] for row in json.loads(response.content)["result"]}
    assert result == {
        vive.draft.pk: "HEMMELIG-UDKAST-vive",
        bv.revised.pk: "Offentlig viden boerns-vilkaar",
    }


def test_bulk_confirmation_names_own_pages(client, w):
    _login(client, w, "moderator:boerns-vilkaar")
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    url = f"/admin/bulk/wagtailcore/page/delete/?id={bv.draft.pk}&id={vive.draft.pk}"
    body = client.get(url).content.decode()
    assert "HEMMELIG-UDKAST-boerns-vilkaar" in body


def test_bulk_confirmation_of_only_foreign_ids_is_a_404(client, w):
    _login(client, w, "moderator:boerns-vilkaar")
    vive = w.partners["vive"]
    url = f"/admin/bulk/wagtailcore/page/delete/?id={vive.draft.pk}&id={vive.revised.pk}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("action", ["delete", "unpublish", "publish", "move"])
def test_page_bulk_actions_leave_other_partners_pages_alone(client, w, action):
    _login(client, w, "moderator:boerns-vilkaar")
    vive, bv = w.partners["vive"], w.partners["boerns-vilkaar"]
    pages = [vive.draft, vive.revised, vive.private, vive.live_event]
    before = {p.pk: (p.live, p.path) for p in Page.objects.filter(pk__in=[p.pk for p in pages])}
    query = "&".join(f"id={p.pk}" for p in pages)
    data = {"chooser": bv.folder.pk} if action == "move" else {}
    response = client.post(f"/admin/bulk/wagtailcore/page/{action}/?{query}", data)
    assert response.status_code == 404
    after = {p.pk: (p.live, p.path) for p in Page.objects.filter(pk__in=[p.pk for p in pages])}
    assert after == before


def test_page_bulk_delete_of_own_and_foreign_ids_deletes_only_own(client, w):
    _login(client, w, "moderator:boerns-vilkaar")
    vive, bv = w.partners["vive"], w.partners["boerns-vilkaar"]
    url = f"/admin/bulk/wagtailcore/page/delete/?id={bv.draft.pk}&id={vive.draft.pk}"
    assert client.post(url).status_code == 302
    assert not Page.objects.filter(pk=bv.draft.pk).exists()
    assert Page.objects.filter(pk=vive.draft.pk).exists()


MEDIA = [
    ("wagtailimages", "image", Image, "image"),
    ("wagtaildocs", "document", Document, "document"),
]


@pytest.mark.parametrize(("app", "model_name", "model", "attr"), MEDIA)
def test_media_bulk_actions_leave_other_partners_media_alone(
    client, w, app, model_name, model, attr
):
    _login(client, w, "moderator:boerns-vilkaar")
    vive, bv = w.partners["vive"], w.partners["boerns-vilkaar"]
    own, foreign = getattr(bv, attr), getattr(vive, attr)
    base = f"/admin/bulk/{app}/{model_name}/"
    both = f"?id={own.pk}&id={foreign.pk}"

    client.post(base + "add_tags/" + both, {"tags": "overtaget"})
    client.post(
        base + "add_to_collection/" + f"?id={foreign.pk}", {"collection": bv.partner.collection_id}
    )
    client.post(base + "delete/" + both)

    assert not model.objects.filter(pk=own.pk).exists()
    foreign = model.objects.get(pk=foreign.pk)
    assert foreign.collection_id == vive.partner.collection_id
    assert "overtaget" not in foreign.tags.names()


def test_page_types_report_counts_own_area_by_own_titles(client, w):
    _login(client, w, "editor:vive")
    body = client.get("/admin/reports/page-types-usage/").content.decode()
    assert "HEMMELIG-REVISION-vive" in body or "HEMMELIG-UDKAST-vive" in body


def test_webhook_log_filters_by_own_receivers_only(client, w):
    _login(client, w, "moderator:vive")
    body = client.get("/admin/webhooks/log/").content.decode()
    assert "HEMMELIG-MODTAGER-vive" in body
    foreign = w.partners["boerns-vilkaar"].endpoint
    response = client.get("/admin/webhooks/log/", {"endpoint": foreign.pk})
    assert response.status_code < 500
    _login(client, w, "coordinator")
    body = client.get("/admin/webhooks/log/").content.decode()
    assert all(f"HEMMELIG-MODTAGER-{slug}" in body for slug in w.partners)


def test_admin_api_lists_own_images_and_documents(client, w):
    _login(client, w, "editor:vive")
    assert "HEMMELIG-BILLEDE-vive" in client.get("/admin/api/main/images/").content.decode()
    documents = client.get("/admin/api/main/documents/").content.decode()
    assert "HEMMELIG-DOKUMENT-vive" in documents


def test_own_emails_open_without_their_links_secrets(client, w):
    from events.models import OutboundEmail
    from tests.admin.conftest import leaks

    _login(client, w, "moderator:vive")
    own = OutboundEmail.objects.filter(pk__in=w.email_ids, to__contains="vive")
    assert own.exists()
    for email in own:
        response = client.get(f"/admin/e-mails/inspect/{email.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert email.to in body
        assert not leaks(body, w, "moderator:vive")


def test_tags_offered_are_those_of_own_media(client, w):
    _login(client, w, "editor:vive")
    for url in ("/admin/images/", "/admin/images/chooser/", "/admin/documents/"):
        assert "HEMMELIG-MAERKE-vive" in client.get(url).content.decode(), url
    response = client.get("/admin/tag-autocomplete/", {"term": "hemmelig"})
    assert json.loads(response.content) == ["HEMMELIG-MAERKE-vive"]
    _login(client, w, "coordinator")
    response = client.get("/admin/tag-autocomplete/", {"term": "hemmelig"})
    assert len(json.loads(response.content)) == 3


def test_bulk_move_of_own_pages_still_checks_the_destination(client, w):
    _login(client, w, "moderator:boerns-vilkaar")
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    url = f"/admin/bulk/wagtailcore/page/move/?id={bv.revised.pk}"
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert 'name="chooser"' in confirmation.content.decode()
    response = client.post(url, {"chooser": vive.folder.pk})
    assert response.status_code < 500
    assert Page.objects.get(pk=bv.revised.pk).get_parent().pk == bv.folder.pk


@pytest.mark.parametrize("action", ["cancel", "attended", "not_attended"])
def test_registration_bulk_actions_leave_other_partners_registrations_alone(client, w, action):
    from events.models import Registration

    _login(client, w, "moderator:boerns-vilkaar")
    foreign = w.partners["vive"].registration
    before = Registration.objects.filter(pk=foreign.pk).values().get()
    # A cancellation's reason given, so only the partner rule can refuse it.
    client.post(f"/admin/bulk/events/registration/{action}/?id={foreign.pk}", {"reason": "Fejl."})
    assert Registration.objects.filter(pk=foreign.pk).values().get() == before


def test_registration_bulk_cancel_of_own_and_foreign_ids_cancels_only_own(client, w):
    from events.models import Registration

    _login(client, w, "moderator:boerns-vilkaar")
    own, foreign = w.partners["boerns-vilkaar"].registration, w.partners["vive"].registration
    client.post(
        f"/admin/bulk/events/registration/cancel/?id={own.pk}&id={foreign.pk}",
        {"reason": "Dobbelt tilmeldt."},
    )
    assert Registration.objects.get(pk=own.pk).status == "cancelled"
    assert Registration.objects.get(pk=foreign.pk).status == foreign.status != "cancelled"


def test_edit_form_names_a_linked_page_of_another_partner_by_its_live_title(client, w):
    from home.models import ContentPage

    bv = w.partners["boerns-vilkaar"]
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        (
            "call_to_action",
            {"title": "Læs mere", "link_text": "Læs", "page": bv.revised, "url": ""},
        )
    ]
    about.save_revision().publish()
    _login(client, w, "editor:socialstyrelsen")
    body = client.get(f"/admin/pages/{about.pk}/edit/").content.decode()
    assert "Offentlig viden boerns-vilkaar" in body
    assert "HEMMELIG-REVISION-boerns-vilkaar" not in body


def test_edit_form_names_own_pages_by_draft_title_and_hidden_pages_by_a_placeholder(client, w):
    from home.models import ContentPage
    from tests.admin.conftest import leaks

    own, bv = w.partners["socialstyrelsen"], w.partners["boerns-vilkaar"]
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        ("call_to_action", {"title": f"Til {n}", "link_text": "Læs", "page": p, "url": ""})
        for n, p in (("own", own.revised), ("draft", bv.draft), ("private", bv.private))
    ]
    about.save_revision().publish()
    _login(client, w, "editor:socialstyrelsen")
    response = client.get(f"/admin/pages/{about.pk}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    titles = [
        json.loads(f'"{title}"')
        for title in re.findall(r'"adminTitle": "((?:[^"\\]|\\.)*)"', html.unescape(body))
    ]
    assert titles == [
        "HEMMELIG-REVISION-socialstyrelsen",
        "Side uden for dit område",
        "Side uden for dit område",
    ]
    assert leaks(body, w, "editor:socialstyrelsen") == []
    # The same page, edited by a moderator of its partner: its own drafts by their titles.
    _login(client, w, "moderator:boerns-vilkaar")
    body = client.get(f"/admin/pages/{bv.draft.pk}/edit/").content.decode()
    assert "HEMMELIG-UDKAST-boerns-vilkaar" in body


def test_a_page_states_wagtails_draft_title_outside_a_request(w):
    revised = w.partners["vive"].revised.specific
    assert revised.get_admin_display_title() == "HEMMELIG-REVISION-vive"
