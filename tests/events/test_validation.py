"""Every validation rule of an event, in Danish, naming the field; nothing is half-saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from events.models import EventIndexPage, EventPage, EventSession
from tests.events.conftest import EventPageFactory, EventSessionFactory, edit_form_data, local

# Building a page looks up its content type: the database, whatever ran before.
pytestmark = pytest.mark.django_db

START = local(2031, 5, 6, 13, 0)
END = START + timedelta(hours=2)


def event(**fields) -> EventPage:
    sessions = fields.pop("sessions", None)
    page = EventPageFactory.build(**fields)
    page.sessions = (
        sessions if sessions is not None else [EventSessionFactory.build(start=START, end=END)]
    )
    return page


def messages(excinfo) -> dict[str, list[str]]:
    return {field: [str(m) for m in msgs] for field, msgs in excinfo.value.message_dict.items()}


def assert_page_error(page: EventPage, field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        page.clean()
    errors = messages(excinfo)
    assert field in errors, errors
    assert any(fragment in m for m in errors[field]), errors


def assert_session_error(session: EventSession, field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        session.clean()
    errors = messages(excinfo)
    assert any(fragment in m for m in errors.get(field, [])), errors


# --- sessions ---------------------------------------------------------------------------------


def test_session_ending_before_it_starts_is_rejected():
    session = EventSessionFactory.build(start=END, end=START)
    assert_session_error(session, "end", "Slut: sessionen slutter før den starter")


def test_timed_session_needs_start_and_end():
    with pytest.raises(ValidationError) as excinfo:
        EventSessionFactory.build(start=None, end=None).clean()
    errors = messages(excinfo)
    assert errors["start"] == ["Start: angiv starttidspunkt for sessionen."]
    assert errors["end"] == ["Slut: angiv sluttidspunkt for sessionen."]


def test_all_day_session_needs_dates():
    session = EventSessionFactory.build(all_day=True, start=None, end=None)
    with pytest.raises(ValidationError) as excinfo:
        session.clean()
    errors = messages(excinfo)
    assert errors["start_date"] == ["Startdato: angiv startdato for en heldagssession."]
    assert errors["end_date"] == ["Slutdato: angiv slutdato for en heldagssession."]


def test_all_day_session_ending_before_it_starts_is_rejected():
    session = EventSessionFactory.build(
        all_day=True, start_date=date(2031, 5, 7), end_date=date(2031, 5, 6)
    )
    assert_session_error(session, "end_date", "Slutdato: slutdatoen ligger før startdatoen")


def test_one_day_all_day_session_is_valid_and_drops_stale_times():
    session = EventSessionFactory.build(
        all_day=True, start_date=date(2031, 5, 7), end_date=date(2031, 5, 7)
    )
    session.clean()
    assert session.start is None and session.end is None
    assert session.ends_at() == local(2031, 5, 8)


# --- the event --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["online", "hybrid"])
def test_online_and_hybrid_events_need_a_platform(fmt):
    page = event(format=fmt, platform_name="", venue_name="DGI-byen", venue_city="København")
    assert_page_error(page, "platform_name", "Platform: angiv platformen")


@pytest.mark.parametrize("fmt", ["physical", "hybrid"])
def test_physical_and_hybrid_events_need_venue_name_and_city(fmt):
    page = event(format=fmt, platform_name="Teams", venue_name="", venue_city="")
    assert_page_error(page, "venue_name", "Sted: angiv stedet")
    assert_page_error(page, "venue_city", "By: angiv byen")


def test_registration_closing_after_the_last_session_ended_is_rejected():
    page = event(registration_closes=END + timedelta(minutes=1))
    assert_page_error(page, "registration_closes", "efter, at sidste session er slut")


def test_registration_closing_before_it_opens_is_rejected():
    page = event(
        registration_opens=START - timedelta(days=5), registration_closes=START - timedelta(days=6)
    )
    assert_page_error(page, "registration_closes", "før tilmeldingen åbner")


def test_negative_capacity_is_rejected_by_its_validator(db):
    page = event(capacity=-1)
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean(exclude=["path", "depth"])
    assert "Antal pladser kan ikke være negativt." in messages(excinfo)["capacity"]


def test_staff_group_participation_needs_a_capacity():
    page = event(participation="staff_group", capacity=None)
    assert_page_error(page, "capacity", "Antal pladser: angiv antal pladser")


def test_event_without_sessions_is_rejected():
    page = event(sessions=[])
    assert_page_error(page, "__all__", "mindst én session")


def test_event_without_sessions_is_not_saved(vive):
    folder = EventIndexPage.objects.get(partner=vive)
    with pytest.raises(ValidationError):
        folder.add_child(instance=event(sessions=[]))
    assert not EventPage.objects.exists()


def test_valid_event_passes_validation():
    event(registration_closes=START - timedelta(days=1), capacity=30).clean()


# --- through the admin --------------------------------------------------------------------


def test_admin_edit_rejects_session_ending_before_start_in_danish_and_saves_nothing(
    client, event_of, vive, vive_editor
):
    page = event_of(vive)
    session = page.sessions.get()
    revisions_before = page.revisions.count()
    client.force_login(vive_editor)
    data = edit_form_data(
        page,
        teaser="Ændret teaser",
        session_changes={session.pk: {"end": session.start - timedelta(hours=1)}},
    )
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)

    assert response.status_code == 200
    assert "Slut: sessionen slutter før den starter." in response.content.decode()
    page.refresh_from_db()
    assert page.teaser != "Ændret teaser"
    assert page.revisions.count() == revisions_before
    assert page.sessions.get().end == session.end


def test_admin_edit_rejects_registration_deadline_after_last_session(
    client, event_of, vive, vive_editor
):
    page = event_of(vive)
    session = page.sessions.get()
    client.force_login(vive_editor)
    data = edit_form_data(page, registration_closes=session.end + timedelta(days=1))
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "Tilmeldingsfrist: fristen ligger efter, at sidste session er slut." in (
        response.content.decode()
    )
    assert page.revisions.count() == 1


def test_admin_edit_judges_the_submitted_sessions_not_the_saved_ones(
    client, event_of, vive, vive_editor
):
    """Moving the session later and the deadline with it is valid, though the saved session
    ends before the new deadline."""
    page = event_of(vive)
    session = page.sessions.get()
    later = session.start + timedelta(days=10)
    client.force_login(vive_editor)
    data = edit_form_data(
        page,
        registration_closes=later - timedelta(days=1),
        session_changes={session.pk: {"start": later, "end": later + timedelta(hours=2)}},
    )
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert page.revisions.count() == 2


def test_admin_edit_rejects_deleting_the_last_session(client, event_of, vive, vive_editor):
    page = event_of(vive)
    session = page.sessions.get()
    client.force_login(vive_editor)
    data = edit_form_data(page, session_changes={session.pk: {"DELETE": True}})
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert page.revisions.count() == 1
    assert EventSession.objects.filter(pk=session.pk).exists()
