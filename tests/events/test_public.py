"""What the public sees: visibility of events, and never the private join link."""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from api.serializers.events import EventSerializer
from events.models import EventIndexPage
from events.selectors import event_get_public, event_list_public, events_attach_terms
from tests.events.conftest import edit_form_data

SECRET = "https://teams.example.com/hemmeligt-link"


def test_public_list_holds_live_public_events_only(event_of, vive, bv):
    public = event_of(vive, title="Offentligt webinar")
    event_of(vive, title="Kladde", publish=False)
    private = event_of(bv, title="Lukket webinar")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    expired = event_of(vive, title="Udløbet")
    expired.expire_at = timezone.now() - timedelta(minutes=1)
    expired.expired = True
    expired.save(update_fields=["expire_at", "expired"])

    assert list(event_list_public()) == [public]


def test_restriction_on_a_partner_folder_hides_its_events(event_of, bv):
    event = event_of(bv)
    folder = EventIndexPage.objects.get(partner=bv)
    PageViewRestriction.objects.create(page=folder, restriction_type=PageViewRestriction.LOGIN)
    assert not event_list_public().filter(pk=event.pk).exists()


def test_event_get_public_refuses_a_draft(event_of, vive):
    draft = event_of(vive, publish=False)
    try:
        event_get_public(pk=draft.pk)
    except type(draft).DoesNotExist:
        pass
    else:
        raise AssertionError("a draft was public")


def test_public_list_queries_do_not_grow_with_the_number_of_events(event_of, vive, bv):
    event_of(vive, sessions=[{}, {}])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _ = EventSerializer(events_attach_terms(list(event_list_public())), many=True).data
        return len(ctx.captured_queries)

    count()  # warm caches (site root paths, vocabulary)
    few = count()
    for _ in range(3):
        event_of(bv, sessions=[{}, {}, {}])
    assert count() == few


def test_public_dict_has_sessions_with_offsets_and_never_the_join_link(event_of, vive):
    event = event_of(vive, join_url=SECRET)
    data = EventSerializer(event_get_public(pk=event.pk)).data
    assert "join_url" not in data
    assert SECRET not in json.dumps(data)
    session = data["sessions"][0]
    assert session["uuid"] == str(event.sessions.get().uuid)
    assert session["start"][-6:] in ("+01:00", "+02:00")


def test_api_preview_mode_returns_json_without_the_join_link(client, event_of, vive, vive_editor):
    event = event_of(vive, join_url=SECRET)
    client.force_login(vive_editor)
    preview_url = f"/admin/pages/{event.pk}/edit/preview/"
    assert client.post(preview_url, edit_form_data(event)).json()["is_valid"]
    response = client.get(preview_url + "?mode=api")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["title"] == event.title
    assert SECRET not in response.content.decode()


def test_html_preview_does_not_show_the_join_link(client, event_of, vive, vive_editor):
    event = event_of(vive, join_url=SECRET)
    client.force_login(vive_editor)
    preview_url = f"/admin/pages/{event.pk}/edit/preview/"
    assert client.post(preview_url, edit_form_data(event)).json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 200
    body = response.content.decode()
    assert event.title in body
    assert SECRET not in body


def test_anonymous_page_serving_does_not_show_the_join_link(client, event_of, vive):
    event = event_of(vive, join_url=SECRET)
    response = client.get(event.url)
    assert response.status_code == 200
    assert "Tidspunkter" in response.content.decode()
    assert SECRET not in response.content.decode()
