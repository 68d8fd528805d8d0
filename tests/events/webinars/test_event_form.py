"""The event form's choice of platform: offered in the form, only for online or hybrid events,
the platform's name filled in, and a warning while the partner has no account."""

from __future__ import annotations

from django.contrib.messages import get_messages

from events.form_warnings import NO_WEBINAR_ACCOUNT
from events.models import EventIndexPage, EventPage, SessionMeeting
from tests.events.conftest import event_form_data
from tests.events.test_event_form import SESSIONS


def _add(client, vive, **fields):
    folder = EventIndexPage.objects.get(partner=vive)
    data = event_form_data(sessions=SESSIONS[:1], **fields)
    return client.post(f"/admin/pages/add/events/eventpage/{folder.pk}/", data)


def test_the_form_offers_the_platforms(client, vive, vive_editor):
    client.force_login(vive_editor)
    folder = EventIndexPage.objects.get(partner=vive)
    html = client.get(f"/admin/pages/add/events/eventpage/{folder.pk}/").content.decode()
    assert 'name="webinar_platform"' in html
    assert "Zoom-webinar med tilmelding" in html and "Teams-møde" in html


def test_a_physical_event_cannot_have_a_platform(client, vive, vive_editor):
    client.force_login(vive_editor)
    answer = _add(
        client,
        vive,
        slug="fysisk",
        format="physical",
        venue_name="Salen",
        venue_city="Aarhus",
        webinar_platform="zoom_meeting",
    )
    assert answer.status_code == 200
    assert "Møde oprettes på: kun for et online eller hybridt arrangement." in (
        answer.content.decode()
    )
    assert not EventPage.objects.filter(slug="fysisk").exists()


def test_platform_name_follows_and_a_missing_account_is_a_warning(client, vive, vive_editor):
    client.force_login(vive_editor)
    answer = _add(
        client, vive, slug="zoom-uden-konto", platform_name="", webinar_platform="zoom_webinar"
    )
    assert answer.status_code == 302
    event = EventPage.objects.get(slug="zoom-uden-konto")
    assert event.platform_name == "Zoom"
    warnings = [str(m) for m in get_messages(answer.wsgi_request) if m.level_tag == "warning"]
    assert NO_WEBINAR_ACCOUNT.format(partner=vive.short_name, platform="Zoom") in warnings
    assert not SessionMeeting.objects.exists()  # a draft: no meeting until it is published


def test_no_warning_once_the_account_exists(client, vive, vive_editor, zoom_account):
    client.force_login(vive_editor)
    answer = _add(client, vive, slug="zoom-med-konto", webinar_platform="zoom_meeting")
    warnings = [str(m) for m in get_messages(answer.wsgi_request) if m.level_tag == "warning"]
    assert not any(w.startswith("Møde oprettes på") for w in warnings)
