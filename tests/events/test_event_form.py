"""A calmer event form: checkboxes instead of Ctrl-click lists, sessions headed "Session 1"
and added with "Tilføj session", warnings that save the page all the same, Danish slugs, and a
new page created only by the editor's own save (never by autosave), with Danish messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages

from events.form_warnings import (
    DEADLINE_AFTER_FIRST_SESSION,
    ONLINE_WITHOUT_JOIN_LINK,
    REMINDER_DURING_A_SESSION,
    event_warnings,
)
from events.mail.compose import format_moment
from events.models import EventIndexPage, EventPage
from home.models import ContentPage, HomePage, KnowledgeIndexPage, KnowledgePage
from home.slugs import DANISH_SLUG_FORMATTERS, DanishSlugInput
from tests.events.conftest import build_event, event_form_data, local
from tests.events.registrations import vocabulary  # noqa: F401
from tests.home.test_partner_boundaries import assert_denied

START = local(2031, 9, 15, 10, 0)
SESSIONS = [
    {"title": "Dag 1", "start": START, "end": START + timedelta(hours=6)},
    {
        "title": "Dag 2",
        "start": START + timedelta(days=1),
        "end": START + timedelta(days=1, hours=6),
    },
]


def _add_url(vive) -> str:
    folder = EventIndexPage.objects.get(partner=vive)
    return f"/admin/pages/add/events/eventpage/{folder.pk}/"


def _post(client, vive, **fields):
    data = event_form_data(sessions=fields.pop("sessions", SESSIONS[:1]), **fields)
    response = client.post(_add_url(vive), data)
    assert response.status_code == 302, response.context["form"].errors
    return response, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _warnings(messages) -> list[str]:
    return [text for level, text in messages if level == "warning"]


# --- the form's controls ----------------------------------------------------------------------


def test_the_form_offers_checkboxes_and_sessions_by_number(
    client,
    vive,
    vive_editor,
    vocabulary,  # noqa: F811
):
    folder = KnowledgeIndexPage.objects.get(partner=vive)
    report = KnowledgePage(title="Anbragte unges trivsel på Ærø", kind="report", year=2020)
    folder.add_child(instance=report)
    assert report.slug == "anbragte-unges-trivsel-paa-aeroe"
    client.force_login(vive_editor)
    content = client.get(_add_url(vive)).content.decode()
    for name in ("topics", "audiences", "co_organisers", "related_knowledge"):
        assert f'type="checkbox" name="{name}" value=' in content, name
        assert f'name="{name}" multiple' not in content and f'name="{name}" id' not in content
    assert "Tilføj session" in content
    assert "Tilføj Sessioner" not in content
    # Each session's heading is "Session" with its number written beside it by Wagtail.
    assert "Session<span data-inline-panel-child-count>" in " ".join(content.split())
    assert "Tilføj spørgsmål" in content
    assert "events/admin/session_times.js" in content


def test_a_session_that_is_all_day_keeps_only_its_dates_without_the_script(
    client, vive, vive_editor
):
    """The script only hides fields; the server drops what does not apply."""
    client.force_login(vive_editor)
    session = {
        "title": "Temadag",
        "all_day": True,
        "start": START,
        "end": START + timedelta(hours=2),
        "start_date": START.date(),
        "end_date": START.date(),
    }
    _post(client, vive, slug="temadag", sessions=[session])
    saved = EventPage.objects.get(slug="temadag").get_latest_revision_as_object()
    [row] = saved.sessions.all()
    assert row.all_day and row.start is None and row.end is None
    assert row.start_date == START.date()


# --- warnings, not errors -------------------------------------------------------------------


def test_a_deadline_after_the_first_session_is_saved_with_a_warning(client, vive, vive_editor):
    client.force_login(vive_editor)
    closes = START + timedelta(hours=2)
    _, messages = _post(
        client, vive, slug="sen-frist", sessions=SESSIONS, registration_closes=closes
    )
    assert EventPage.objects.filter(slug="sen-frist").exists()
    assert _warnings(messages) == [
        DEADLINE_AFTER_FIRST_SESSION.format(
            deadline=format_moment(closes), start=format_moment(START)
        )
    ]
    assert "Tilmeldingsfrist: fristen (" in _warnings(messages)[0]


def test_an_online_event_without_a_join_link_is_saved_with_a_warning(client, vive, vive_editor):
    client.force_login(vive_editor)
    _, messages = _post(client, vive, slug="uden-link", join_url="")
    assert EventPage.objects.filter(slug="uden-link").exists()
    assert _warnings(messages) == [ONLINE_WITHOUT_JOIN_LINK.format(hours="24 timer")]
    assert _warnings(messages)[0].startswith("Deltagerlink: arrangementet foregår online, men har")


def test_a_reminder_during_an_earlier_session_is_saved_with_a_warning(client, vive, vive_editor):
    client.force_login(vive_editor)
    later = START + timedelta(days=1, hours=2)  # 24 hours before it is 12.00 on day 1
    sessions = [SESSIONS[0], {"title": "Dag 2", "start": later, "end": later + timedelta(hours=2)}]
    _, messages = _post(client, vive, slug="kursus", sessions=sessions, reminder_hours="24")
    assert _warnings(messages) == [
        REMINDER_DURING_A_SESSION.format(
            hours="24 timer",
            session="“Dag 2”",
            moment=format_moment(later - timedelta(hours=24)),
            earlier="“Dag 1”",
        )
    ]


def test_a_plain_event_is_saved_without_warnings(client, vive, vive_editor):
    client.force_login(vive_editor)
    _, messages = _post(client, vive, slug="roligt", registration_closes=START - timedelta(days=1))
    assert _warnings(messages) == []
    assert any(level == "success" for level, _ in messages)


def test_warnings_are_read_from_a_page_built_in_code(vive):
    event = build_event(vive, format="hybrid", join_url="", venue_name="VIVE", venue_city="Kbh")
    assert event_warnings(EventPage.objects.get(pk=event.pk)) == [
        ONLINE_WITHOUT_JOIN_LINK.format(hours="24 timer")
    ]


# --- Danish slugs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Børns Vilkår på Ærø", "boerns-vilkaar-paa-aeroe"),
        ("ÆBLER, ØL OG ÅER", "aebler-oel-og-aaer"),
        ("Café i Århus", "cafe-i-aarhus"),
    ],
)
def test_a_page_created_in_code_gets_a_danish_slug(vive, title, slug):
    event = build_event(vive, title=title, slug="")
    assert event.slug == slug
    again = build_event(vive, title=title, slug="")
    assert again.slug == f"{slug}-2"


def test_a_content_page_created_in_code_gets_a_danish_slug(centre):
    home = HomePage.objects.first()
    page = ContentPage(title="Om videnscentret for børn og unge på Fyn og Ærø")
    home.add_child(instance=page)
    assert page.slug == "om-videnscentret-for-boern-og-unge-paa-fyn-og-aeroe"


def test_the_admins_slug_field_spells_danish_letters_before_wagtail_urlifies(
    client, vive, vive_editor, settings
):
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False
    assert ("ø", "oe", "g") in DANISH_SLUG_FORMATTERS and ("Å", "Aa", "g") in DANISH_SLUG_FORMATTERS
    client.force_login(vive_editor)
    content = client.get(_add_url(vive)).content.decode()
    assert 'data-w-slug-formatters-value="' in content
    assert isinstance(DanishSlugInput().attrs, dict)
    assert "&quot;oe&quot;" in content  # the formatters, as the w-slug controller reads them


# --- a new page is created by the editor's save only ------------------------------------------


def test_the_create_form_does_not_autosave_and_the_edit_form_does(client, vive, vive_editor):
    client.force_login(vive_editor)
    create = client.get(_add_url(vive)).content.decode()
    assert "w-autosave#save" not in create and "data-w-autosave-interval-value" not in create
    _post(client, vive, slug="gemt")
    page = EventPage.objects.get(slug="gemt")
    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "w-autosave#save" in edit and "data-w-autosave-interval-value" in edit


def test_a_second_new_page_with_a_taken_slug_is_told_so_in_danish(client, vive, vive_editor):
    client.force_login(vive_editor)
    _post(client, vive, slug="samme-slug")
    data = event_form_data(sessions=SESSIONS[:1], slug="samme-slug")
    response = client.post(_add_url(vive), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adressen (slug) “samme-slug” bruges allerede af en anden side i samme mappe" in content
    assert "already in use" not in content
    assert EventPage.objects.filter(slug="samme-slug").count() == 1


def test_another_partners_editor_and_moderator_cannot_open_the_create_form(
    client, vive, bv_editor, bv_moderator, event_of
):
    event_of(vive, title="VIVEs kladde om børnesamtaler", publish=False)
    for user in (bv_editor, bv_moderator):
        client.force_login(user)
        response = client.get(_add_url(vive))
        assert_denied(response)
        assert "VIVEs kladde" not in response.content.decode()
        posted = client.post(_add_url(vive), event_form_data(sessions=SESSIONS[:1], slug="fremmed"))
        assert_denied(posted)
    assert not EventPage.objects.filter(slug="fremmed").exists()
