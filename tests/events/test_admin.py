"""Editors author events in their own partner's folder, through Wagtail's admin views."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from wagtail.models import WorkflowState

from events.models import EventIndexPage, EventPage, EventSession
from tests.events.conftest import edit_form_data, event_form_data, local
from tests.home.test_partner_boundaries import assert_denied

START = local(2031, 9, 15, 10, 0)


def test_other_partners_editor_is_denied_the_edit_view(client, event_of, vive, bv_editor):
    event = event_of(vive, title="VIVEs forskningswebinar")
    client.force_login(bv_editor)
    response = client.get(f"/admin/pages/{event.pk}/edit/")
    # Wagtail answers a denied admin page with a redirect to the dashboard (403 for HTMX).
    assert_denied(response)
    assert event.title not in response.content.decode()
    htmx = client.get(f"/admin/pages/{event.pk}/edit/", headers={"HX-Request": "true"})
    assert htmx.status_code in (302, 403)


def test_other_partners_editor_does_not_see_the_event_in_explorer_or_search(
    client, event_of, vive, bv_editor
):
    event = event_of(vive, title="VIVEs forskningswebinar")
    folder = EventIndexPage.objects.get(partner=vive)
    client.force_login(bv_editor)

    listing = client.get(f"/admin/pages/{folder.pk}/")
    assert listing.status_code in (200, 302, 403)
    assert event.title not in listing.content.decode()

    search = client.get("/admin/pages/search/", {"q": "forskningswebinar"})
    assert search.status_code == 200
    assert event.title not in search.content.decode()


def test_own_partners_editor_finds_the_event_in_admin_search(client, event_of, vive, vive_editor):
    event = event_of(vive, title="VIVEs forskningswebinar")
    client.force_login(vive_editor)
    search = client.get("/admin/pages/search/", {"q": "forskningswebinar"})
    assert event.title in search.content.decode()


def test_editor_creates_event_with_two_sessions_and_moderator_publishes_it(
    client, vive, vive_editor, vive_moderator
):
    folder = EventIndexPage.objects.get(partner=vive)
    client.force_login(vive_editor)
    data = event_form_data(
        title="Webinar: Barnets perspektiv",
        slug="webinar-barnets-perspektiv",
        registration_closes=START - timedelta(days=2),
        sessions=[
            {"title": "Del 1", "start": START, "end": START + timedelta(hours=2)},
            {
                "title": "Del 2",
                "start": START + timedelta(days=7),
                "end": START + timedelta(days=7, hours=2),
            },
        ],
        **{"action-submit": "submit"},
    )
    response = client.post(f"/admin/pages/add/events/eventpage/{folder.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors

    event = EventPage.objects.get(slug="webinar-barnets-perspektiv")
    assert not event.live
    assert event.partner == vive
    drafted = {s.title: s.uuid for s in event.get_latest_revision_as_object().sessions.all()}
    assert set(drafted) == {"Del 1", "Del 2"}
    state = WorkflowState.objects.get(object_id=str(event.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    client.force_login(vive_moderator)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(event.pk, "approve", state.current_task_state.pk),
    )
    response = client.post(url, {})
    assert response.status_code in (200, 302)

    event.refresh_from_db()
    assert event.live
    assert event.first_start == START
    sessions = {s.title: s for s in EventSession.objects.filter(event=event)}
    assert {t: s.uuid for t, s in sessions.items()} == drafted
    assert all(s.sequence == 0 and s.calendar_fingerprint for s in sessions.values())


def test_editor_cannot_publish_directly(client, event_of, vive, vive_editor):
    event = event_of(vive)
    client.force_login(vive_editor)
    client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, title="Direkte udgivet", **{"action-publish": "publish"}),
    )
    assert EventPage.objects.get(pk=event.pk).title != "Direkte udgivet"


def test_editing_a_session_in_the_admin_keeps_its_uuid(client, event_of, vive, vive_moderator):
    event = event_of(vive, sessions=[{"start": START, "end": START + timedelta(hours=1)}])
    session = event.sessions.get()
    client.force_login(vive_moderator)
    moved = START + timedelta(hours=1)
    response = client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(
            event,
            session_changes={session.pk: {"start": moved, "end": moved + timedelta(hours=1)}},
            **{"action-publish": "publish"},
        ),
    )
    assert response.status_code == 302
    row = EventSession.objects.get(event=event)
    assert (row.uuid, row.start, row.sequence) == (session.uuid, moved, 1)


def test_session_added_in_a_draft_keeps_its_uuid_through_later_draft_edits(
    client, event_of, vive, vive_editor
):
    event = event_of(vive, sessions=[{"start": START, "end": START + timedelta(hours=1)}])
    client.force_login(vive_editor)
    data = edit_form_data(event)
    data["sessions-TOTAL_FORMS"] = "2"
    new = {
        "id": "",
        "ORDER": "2",
        "title": "Ny session",
        "status": "inherit",
        "start": "2031-09-20 10:00",
        "end": "2031-09-20 11:00",
    }
    data.update({f"sessions-1-{key}": value for key, value in new.items()})
    assert client.post(f"/admin/pages/{event.pk}/edit/", data).status_code == 302

    def drafted_uuid():
        draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
        return next(s.uuid for s in draft.sessions.all() if s.title == "Ny session")

    first = drafted_uuid()
    # The browser resubmits the draft; the new session still has no row, only its hidden uuid.
    form = client.get(f"/admin/pages/{event.pk}/edit/").context["form"]
    hidden = form.formsets["sessions"].forms[1]["session_uuid"].value()
    assert str(hidden) == str(first)
    data.update(
        {
            "sessions-INITIAL_FORMS": "2",
            "sessions-1-session_uuid": str(hidden),
            "teaser": "Anden kladde",
        }
    )
    assert client.post(f"/admin/pages/{event.pk}/edit/", data).status_code == 302
    assert drafted_uuid() == first


def test_a_forged_session_uuid_of_an_existing_session_is_ignored(
    client, event_of, vive, vive_editor
):
    other = event_of(vive).sessions.get()
    event = event_of(vive, sessions=[{"start": START, "end": START + timedelta(hours=1)}])
    client.force_login(vive_editor)
    data = edit_form_data(event)
    data["sessions-TOTAL_FORMS"] = "2"
    new = {
        "id": "",
        "ORDER": "2",
        "title": "Ny session",
        "status": "inherit",
        "start": "2031-09-20 10:00",
        "end": "2031-09-20 11:00",
        "session_uuid": str(other.uuid),
    }
    data.update({f"sessions-1-{key}": value for key, value in new.items()})
    assert client.post(f"/admin/pages/{event.pk}/edit/", data).status_code == 302
    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert other.uuid not in {s.uuid for s in draft.sessions.all()}
