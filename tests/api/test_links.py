"""Links in the API reach only live, public pages.

A call-to-action's page, a rich-text link in a page, a knowledge item's summary or an event's
body, and an event's related knowledge may point at a draft, an unpublished page or a page behind
a view restriction (its own or an ancestor's). The API never shows such a page's title or URL:
the block says it has no target (``"page": null``), the rich-text link keeps its text without
``href``.
"""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText, expand_db_html

from home.api_values import LinkTargets
from home.models import ContentPage, KnowledgeIndexPage, KnowledgePage

# Titles and slugs (the URL's last part) of the pages that must never show.
HIDDEN = {
    "draft": ("Hemmelig kladde", "hemmelig-kladde"),
    "unpublished": ("Trukket tilbage", "trukket-tilbage"),
    "private": ("Kun for ansatte", "kun-for-ansatte"),
    "private_below": ("Intern vejledning", "intern-vejledning"),
}


def _content_page(parent, title: str, slug: str, *, live: bool = True) -> ContentPage:
    page = ContentPage(title=title, slug=slug, live=False)
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return ContentPage.objects.get(pk=page.pk)


@pytest.fixture
def targets(centre) -> dict:
    home = centre["home"]
    pages = {"public": _content_page(home, "Åbent materiale", "aabent-materiale")}
    pages["draft"] = _content_page(home, *HIDDEN["draft"], live=False)
    pages["unpublished"] = _content_page(home, *HIDDEN["unpublished"])
    pages["unpublished"].unpublish()
    pages["private"] = _content_page(home, *HIDDEN["private"])
    PageViewRestriction.objects.create(page=pages["private"], restriction_type="login")
    folder = _content_page(home, "Intranet", "intranet")
    PageViewRestriction.objects.create(page=folder, restriction_type="password", password="x")
    pages["private_below"] = _content_page(folder, *HIDDEN["private_below"])
    return pages


def _links_html(targets: dict) -> str:
    return "".join(
        f'<p><a linktype="page" id="{page.pk}">Læs mere om {name}</a></p>'
        for name, page in targets.items()
    )


def assert_hidden(body: str) -> None:
    for title, slug in HIDDEN.values():
        assert title not in body
        assert slug not in body


def test_a_call_to_action_to_a_page_that_is_not_public_has_no_target(api, centre, targets):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        ("call_to_action", {"title": f"Til {name}", "link_text": "Læs", "page": page})
        for name, page in targets.items()
    ]
    about.save_revision().publish()
    for url in (
        f"/api/v1/pages/{about.pk}/",
        "/api/v1/pages/",
        "/api/v1/pages/?path=/om-videnscentret/",
    ):
        response = api.get(url)
        assert response.status_code == 200
        assert_hidden(response.content.decode())
    blocks = api.get(f"/api/v1/pages/{about.pk}/").json()["body"]
    pages = {block["value"]["title"]: block["value"]["page"] for block in blocks}
    assert pages["Til public"]["title"] == "Åbent materiale"
    assert pages["Til public"]["url"].endswith("/aabent-materiale/")
    assert {name: pages[f"Til {name}"] for name in HIDDEN} == dict.fromkeys(HIDDEN)


def test_rich_text_links_to_pages_that_are_not_public_keep_their_text_only(api, centre, targets):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [("paragraph", RichText(_links_html(targets)))]
    about.save_revision().publish()
    for url in (f"/api/v1/pages/{about.pk}/", "/api/v1/pages/"):
        body = api.get(url).content.decode()
        assert_hidden(body)
        assert "linktype" not in body
    html = api.get(f"/api/v1/pages/{about.pk}/").json()["body"][0]["value"]
    assert '<a href="/aabent-materiale/">Læs mere om public</a>' in html
    for name in HIDDEN:
        assert f"<a>Læs mere om {name}</a>" in html


def test_knowledge_summary_links_only_to_public_pages(api, knowledge, targets):
    report = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    report.summary = _links_html(targets)
    report.save_revision().publish()
    for url in (f"/api/v1/knowledge/{report.pk}/", "/api/v1/knowledge/"):
        response = api.get(url)
        assert response.status_code == 200
        assert_hidden(response.content.decode())
    summary = api.get(f"/api/v1/knowledge/{report.pk}/").json()["summary"]
    assert 'href="/aabent-materiale/"' in summary
    assert "<a>Læs mere om draft</a>" in summary


def _knowledge(folder, title: str, slug: str, *, live: bool = True) -> KnowledgePage:
    page = KnowledgePage(title=title, slug=slug, kind="report", year=2024, live=False)
    folder.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return KnowledgePage.objects.get(pk=page.pk)


def test_event_body_links_and_related_knowledge_only_to_public_pages(
    api, knowledge, targets, event_of, vive
):
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    draft = _knowledge(folder, "Upubliceret evaluering", "upubliceret-evaluering", live=False)
    internal = folder.add_child(instance=KnowledgeIndexPage(title="Internt", slug="internt"))
    PageViewRestriction.objects.create(page=internal, restriction_type="login")
    private = _knowledge(internal, "Fortroligt notat", "fortroligt-notat")
    public = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    event = event_of(
        vive,
        title="Webinar med links",
        body=[("paragraph", RichText(_links_html(targets)))],
        related_knowledge=[draft, private, public],
    )
    for url in (f"/api/v1/events/{event.pk}/", "/api/v1/events/"):
        response = api.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert_hidden(body)
        for hidden in ("Upubliceret evaluering", "upubliceret-evaluering", "Fortroligt notat"):
            assert hidden not in body
    data = api.get(f"/api/v1/events/{event.pk}/").json()
    assert [k["id"] for k in data["material"]["related_knowledge"]] == [public.pk]
    assert 'href="/aabent-materiale/"' in data["body"][0]["value"]
    assert "<a>Læs mere om private_below</a>" in data["body"][0]["value"]


def test_a_page_made_public_again_is_linked_again(api, centre, targets):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        ("call_to_action", {"title": "Til", "link_text": "Læs", "page": targets["private"]})
    ]
    about.save_revision().publish()
    assert api.get(f"/api/v1/pages/{about.pk}/").json()["body"][0]["value"]["page"] is None
    PageViewRestriction.objects.filter(page=targets["private"]).delete()
    value = api.get(f"/api/v1/pages/{about.pk}/").json()["body"][0]["value"]
    assert value["page"]["title"] == "Kun for ansatte"


def test_links_are_checked_in_one_query_per_list_however_many_items(
    api, knowledge, targets, event_of, vive
):
    html = _links_html(targets)
    for n in range(12):
        event_of(vive, title=f"Webinar {n}", body=[("paragraph", RichText(html))] * 2)

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/api/v1/events/?page_size={size}&nocache={size}")
        assert response.status_code == 200
        assert_hidden(response.content.decode())
        return len(ctx.captured_queries)

    count(1)  # warms Wagtail's cache of site root paths and the vocabulary
    assert count(3) == count(12)


def test_the_pages_own_address_does_not_link_a_page_that_is_not_public(client, centre, targets):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        ("call_to_action", {"title": f"Til {name}", "link_text": "Læs", "page": page})
        for name, page in targets.items()
    ]
    about.save_revision().publish()
    response = client.get("/om-videnscentret/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Åbent materiale" in html
    assert_hidden(html)


def test_rich_text_on_the_pages_own_address_links_only_to_public_pages(client, centre, targets):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [("paragraph", RichText(_links_html(targets)))]
    about.save_revision().publish()
    response = client.get("/om-videnscentret/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/aabent-materiale/">Læs mere om public</a>' in html
    for name in HIDDEN:
        assert f"<a>Læs mere om {name}</a>" in html
    assert_hidden(html)
    assert "linktype" not in html


def _editor_contentstate(edit_view_html: str) -> dict:
    """The Draftail contentstate of the body's first paragraph, as the edit view hands it to
    the editor (the StreamField's block arguments, JSON in an HTML attribute)."""
    for raw in re.findall(r'data-w-block-arguments-value="([^"]*)"', edit_view_html):
        for child in json.loads(html_unescape(raw))[0]:
            if child.get("type") == "paragraph":
                return json.loads(child["value"])
    raise AssertionError("no paragraph in the edit view")


def test_a_rich_text_link_to_a_draft_still_loads_in_the_editor(client, centre, targets, admin_user):
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [("paragraph", RichText(_links_html(targets)))]
    about.save_revision().publish()
    client.force_login(admin_user)
    response = client.get(f"/admin/pages/{about.pk}/edit/")
    assert response.status_code == 200
    contentstate = _editor_contentstate(response.content.decode())
    links = {
        entity["data"]["id"]: entity["data"]
        for entity in contentstate["entityMap"].values()
        if entity["type"] == "LINK"
    }
    # Every link, drafts and private pages included, loads as a page link the editor can keep.
    assert set(links) == {page.pk for page in targets.values()}
    assert links[targets["public"].pk]["url"] == "/aabent-materiale/"
    assert all(link["parentId"] for link in links.values())
    texts = [block["text"] for block in contentstate["blocks"]]
    assert texts == [f"Læs mere om {name}" for name in targets]


@pytest.mark.parametrize("pk", ["²", "١", "", "abc", "9" * 30])
def test_a_page_link_id_that_is_no_plain_number_keeps_its_text_only(db, pk):
    """Both renderings (the API's per response, the pages' own) read a link's id by one rule:
    "²" passes ``str.isdigit`` but not ``int``, and was a 500."""
    source = f'<p><a linktype="page" id="{pk}">læs mere</a></p>'
    assert LinkTargets().rich_text_html(source) == "<p><a>læs mere</a></p>"
    assert expand_db_html(source) == "<p><a>læs mere</a></p>"


def test_a_rich_text_document_link_is_absolute_for_sites_on_other_origins(api, centre, settings):
    document = Document(title="Rapport")
    document.file.save("rapport.pdf", ContentFile(b"%PDF"), save=False)
    document.save()
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [
        (
            "paragraph",
            RichText(
                f'<p><a linktype="document" id="{document.pk}">Rapporten</a> og '
                '<a linktype="document" id="999999">en slettet</a>.</p>'
            ),
        )
    ]
    about.save_revision().publish()
    html = api.get(f"/api/v1/pages/{about.pk}/").json()["body"][0]["value"]
    assert html == (
        f'<p><a href="{settings.BASE_URL}{document.url}">Rapporten</a> og <a>en slettet</a>.</p>'
    )
