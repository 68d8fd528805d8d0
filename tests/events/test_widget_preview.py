"""The editors' preview in the mode "Widget" (issue 15): the unsaved draft as the widget shows
it, from the API's own representation in the page, and only to those who may edit it."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from events.models import EventPage
from home.models import KnowledgePage
from tests.events.conftest import build_event, edit_form_data

DRAFT_TITLE = "Ny titel, endnu ikke gemt </script><script>alert(1)</script>"
JSON_SCRIPT = re.compile(
    r'<script id="draft-event" type="application/json">(?P<json>.*?)</script>', re.S
)


@pytest.fixture
def event(vive):
    return build_event(vive, title="VIVEs webinar")


def _preview(client, user, event: EventPage, **changes):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[event.pk])
    posted = client.post(url, edit_form_data(event, **changes))
    return posted, client.get(url + "?mode=widget")


def test_only_events_have_the_widget_mode():
    assert ("widget", "Widget") in [(m, str(label)) for m, label in EventPage.preview_modes]
    assert "widget" not in [mode for mode, _label in KnowledgePage.preview_modes]


def test_the_widget_mode_shows_the_unsaved_draft_as_the_api_represents_it(
    client, event, vive_editor
):
    posted, response = _preview(client, vive_editor, event, title=DRAFT_TITLE)
    assert posted.json()["is_valid"]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<script type="module" src="/widget/v1.js"></script>' in body
    assert '<videnscenter-events preview="draft-event"></videnscenter-events>' in body
    # The title is JSON in a script element, escaped so it cannot end the element.
    assert "</script><script>alert(1)" not in body
    data = json.loads(JSON_SCRIPT.search(body)["json"])
    assert data["title"] == DRAFT_TITLE
    assert data["id"] == event.pk
    # The API's representation: never the join link.
    assert "hemmeligt-link" not in body
    event.refresh_from_db()
    assert event.title == "VIVEs webinar"


def test_another_partners_editor_gets_no_widget_preview(client, event, vive_editor, bv_editor):
    posted, _response = _preview(client, vive_editor, event, title="VIVEs kladde, ikke gemt")
    assert posted.json()["is_valid"]
    posted, response = _preview(client, bv_editor, event, title="Overtaget")
    for answer in (posted, response):
        assert answer.status_code in (302, 403)
        body = answer.content.decode()
        assert "VIVEs" not in body and "Overtaget" not in body and "draft-event" not in body
