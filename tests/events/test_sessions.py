"""Session identity (uuid) and iCal SEQUENCE across drafts, publishing and reordering."""

from __future__ import annotations

from datetime import timedelta

from events.models import EventPage, EventSession
from tests.events.conftest import EventSessionFactory, local

MON = local(2031, 3, 3, 9, 0)


def two_sessions() -> list[dict]:
    return [
        {"title": "Dag 1", "start": MON, "end": MON + timedelta(hours=3)},
        {
            "title": "Dag 2",
            "start": MON + timedelta(days=1),
            "end": MON + timedelta(days=1, hours=3),
        },
    ]


def draft_of(event: EventPage) -> EventPage:
    """What the editor starts from; sessions held in memory, as the admin form holds them."""
    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    draft.sessions = list(draft.sessions.all())
    return draft


def rows(event: EventPage) -> dict[str, EventSession]:
    return {s.title: s for s in EventSession.objects.filter(event=event)}


def test_publishing_a_revision_keeps_every_session_uuid(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    before = {t: s.uuid for t, s in rows(event).items()}

    draft = draft_of(event)
    draft.teaser = "Ny teaser"
    revision = draft.save_revision()
    assert {s.title: s.uuid for s in revision.as_object().sessions.all()} == before
    revision.publish()

    assert {t: s.uuid for t, s in rows(event).items()} == before


def test_session_added_in_a_draft_is_published_with_the_uuid_of_the_draft(event_of, vive):
    event = event_of(vive, sessions=two_sessions()[:1])
    draft = draft_of(event)
    draft.sessions.add(
        EventSessionFactory.build(
            title="Dag 2", start=MON + timedelta(days=1), end=MON + timedelta(days=1, hours=1)
        )
    )
    revision = draft.save_revision()
    drafted_uuid = next(s.uuid for s in revision.as_object().sessions.all() if s.title == "Dag 2")
    assert "Dag 2" not in rows(event)  # a draft writes no rows

    revision.publish()

    assert rows(event)["Dag 2"].uuid == drafted_uuid


def test_reordering_sessions_keeps_uuids_and_sequences(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    before = {t: (s.uuid, s.sequence, s.calendar_fingerprint) for t, s in rows(event).items()}

    draft = draft_of(event)
    for session in draft.sessions.all():
        session.sort_order = 1 - session.sort_order
    draft.save_revision().publish()

    after = rows(event)
    assert after["Dag 1"].sort_order == 1
    assert {t: (s.uuid, s.sequence, s.calendar_fingerprint) for t, s in after.items()} == before


def test_first_publish_records_fingerprint_and_leaves_sequence_at_zero(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    for session in rows(event).values():
        assert session.sequence == 0
        assert session.calendar_fingerprint == session.compute_fingerprint(event)


def test_moving_a_session_raises_its_sequence_only_when_published(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    draft = draft_of(event)
    dag1 = next(s for s in draft.sessions.all() if s.title == "Dag 1")
    dag1.start += timedelta(hours=1)
    dag1.end += timedelta(hours=1)
    revision = draft.save_revision()

    assert rows(event)["Dag 1"].sequence == 0  # saving a draft changes nothing

    revision.publish()
    assert rows(event)["Dag 1"].sequence == 1
    assert rows(event)["Dag 2"].sequence == 0

    # Publishing the same content again is not a change.
    draft_of(event).save_revision().publish()
    assert rows(event)["Dag 1"].sequence == 1


def test_changing_session_location_raises_sequence(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    draft = draft_of(event)
    next(s for s in draft.sessions.all() if s.title == "Dag 2").location = "Lokale 2.14"
    draft.save_revision().publish()
    assert (rows(event)["Dag 1"].sequence, rows(event)["Dag 2"].sequence) == (0, 1)


def test_cancelling_one_session_raises_only_its_sequence(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    draft = draft_of(event)
    next(s for s in draft.sessions.all() if s.title == "Dag 1").status = "cancelled"
    draft.save_revision().publish()
    assert (rows(event)["Dag 1"].sequence, rows(event)["Dag 2"].sequence) == (1, 0)


def test_cancelling_the_event_raises_every_session_sequence(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    draft = draft_of(event)
    draft.status = "cancelled"
    draft.status_reason = "For få tilmeldte."
    draft.save_revision().publish()
    assert {s.sequence for s in rows(event).values()} == {1}


def test_renaming_the_event_raises_sequence_but_editing_the_teaser_does_not(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    draft = draft_of(event)
    draft.teaser = "En helt anden teaser"
    draft.body = [("paragraph", "<p>Mere tekst</p>")]
    draft.save_revision().publish()
    assert {s.sequence for s in rows(event).values()} == {0}

    draft = draft_of(event)
    draft.title = "Nyt navn"
    draft.save_revision().publish()
    assert {s.sequence for s in rows(event).values()} == {1}


def test_republishing_an_older_revision_raises_sequence_instead_of_restoring_it(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    original = EventPage.objects.get(pk=event.pk).latest_revision
    draft = draft_of(event)
    for session in draft.sessions.all():
        session.start += timedelta(days=7)
        session.end += timedelta(days=7)
    draft.save_revision().publish()
    assert {s.sequence for s in rows(event).values()} == {1}

    original.publish()  # "revert": the old times are a change again for calendars

    assert {s.sequence for s in rows(event).values()} == {2}
    assert rows(event)["Dag 1"].start == MON


def test_first_start_and_last_end_follow_the_published_sessions(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    assert (event.first_start, event.last_end) == (MON, MON + timedelta(days=1, hours=3))
    draft = draft_of(event)
    draft.sessions.add(
        EventSessionFactory.build(
            all_day=True,
            start=None,
            end=None,
            start_date=MON.date() + timedelta(days=9),
            end_date=MON.date() + timedelta(days=10),
        )
    )
    draft.save_revision()
    assert EventPage.objects.get(pk=event.pk).last_end == MON + timedelta(days=1, hours=3)
    draft.get_latest_revision().publish()
    # All-day: the inclusive end date ends at the following local midnight.
    assert EventPage.objects.get(pk=event.pk).last_end == local(2031, 3, 14)


def test_copying_an_event_gives_the_copy_new_session_uuids(event_of, vive):
    event = event_of(vive, sessions=two_sessions())
    copy = event.copy(update_attrs={"slug": "kopi", "title": "Kopi"}, keep_live=False)
    copied = EventSession.objects.filter(event_id=copy.pk)
    assert copied.count() == 2
    assert not set(copied.values_list("uuid", flat=True)) & {s.uuid for s in rows(event).values()}
    EventPage.objects.get(pk=copy.pk).get_latest_revision().publish()
    assert EventSession.objects.filter(event_id=copy.pk).count() == 2
