"""Rich text leaves the API only through the allowlist (``home.sanitise``): whatever reached the
database, the partners' sites and the widget insert no script, handler, style or frame.

Wagtail's editor writes none of these; an import, a shell or a migration can. The rich text here is
stored as such a writer would store it, and read back from every place the API serves it: the
lists and details of pages, knowledge and events, the editors' "API (JSON)" preview, and the
webhooks (which carry no content, only where to read it).
"""

from __future__ import annotations

import json

import pytest
from wagtail.rich_text import RichText

from api.models import WebhookDelivery, WebhookEndpoint
from home.models import ContentPage, KnowledgeIndexPage, KnowledgePage
from tests.events.conftest import build_event

ORDINARY = (
    "<h2>Formål</h2><p>Børn skal <b>høres</b> og <i>ses</i>.</p>"
    "<ul><li>Et</li><li>To</li></ul>"
    '<p><a href="https://www.vive.dk/da/">VIVE</a> og <a href="mailto:info@vive.dk">skriv</a>.</p>'
)
HOSTILE = (
    '<script>alert("script")</script>'
    '<p><img src="x" onerror="alert(1)">billede</p>'
    '<p><a href="javascript:alert(2)">klik</a></p>'
    '<iframe src="https://evil.example/frame"></iframe>'
    '<p style="position:fixed">stil</p>'
)
STORED = ORDINARY + HOSTILE
SERVED = ORDINARY + "<p>billede</p><p><a>klik</a></p><p>stil</p>"
MARKERS = ("<script", "alert(", "onerror", "javascript:", "<iframe", "evil.example", "style=")


def assert_clean(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text, marker


@pytest.fixture
def hostile_page(centre) -> ContentPage:
    about = ContentPage.objects.get(slug="om-videnscentret")
    about.body = [("paragraph", RichText(STORED))]
    about.save_revision().publish()
    return about


@pytest.fixture
def hostile_knowledge(vive) -> KnowledgePage:
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    page = KnowledgePage(title="Rapport", kind="report", year=2024, summary=STORED, live=False)
    folder.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_pages_rich_text_leaves_sanitised_in_list_and_detail(api, hostile_page):
    detail = api.get(f"/api/v1/pages/{hostile_page.pk}/")
    listing = api.get("/api/v1/pages/?path=/om-videnscentret/")
    for response in (detail, listing):
        assert response.status_code == 200
        assert_clean(response.content.decode())
    assert detail.json()["body"][0]["value"] == SERVED
    assert listing.json()["results"][0]["body"][0]["value"] == SERVED


def test_a_knowledge_summary_leaves_sanitised_in_list_and_detail(api, hostile_knowledge):
    detail = api.get(f"/api/v1/knowledge/{hostile_knowledge.pk}/")
    listing = api.get("/api/v1/knowledge/")
    for response in (detail, listing):
        assert response.status_code == 200
        assert_clean(response.content.decode())
    assert detail.json()["summary"] == SERVED
    assert listing.json()["results"][0]["summary"] == SERVED


def test_an_events_body_leaves_sanitised_in_list_and_detail(api, vive):
    event = build_event(vive, body=[("paragraph", RichText(STORED))])
    detail = api.get(f"/api/v1/events/{event.pk}/")
    listing = api.get("/api/v1/events/")
    for response in (detail, listing):
        assert response.status_code == 200
        assert_clean(response.content.decode())
    assert detail.json()["body"][0]["value"] == SERVED
    assert listing.json()["results"][0]["body"][0]["value"] == SERVED


def test_the_api_preview_of_a_draft_is_sanitised_too(rf, vive, vive_editor):
    event = build_event(vive, body=[("paragraph", RichText(STORED))], publish=False)
    request = rf.get("/")
    request.user = vive_editor
    response = event.get_latest_revision_as_object().serve_preview(request, "api")
    assert_clean(response.content.decode())
    assert json.loads(response.content)["body"][0]["value"] == SERVED


def test_webhooks_carry_no_content_only_where_the_sanitised_answer_is(api, vive):
    WebhookEndpoint.objects.create(name="VIVE's websted", url="https://hooks.example/")
    event = build_event(vive, body=[("paragraph", RichText(STORED))])
    delivery = WebhookDelivery.objects.get()
    assert_clean(json.dumps(delivery.payload))
    assert set(delivery.payload["data"]) == {"id", "object", "api_url"}
    path = delivery.payload["data"]["api_url"].split("://", 1)[1].split("/", 1)[1]
    answer = api.get("/" + path)
    assert answer.json()["id"] == event.pk
    assert_clean(answer.content.decode())
