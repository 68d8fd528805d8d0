"""Migration 0014 carries the per-registration attendance flag (0006) over to the sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import EventSession, GroupMember, Registration, SessionAttendance
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

BEFORE = ("events", "0013_groups")
AFTER = ("events", "0014_attendance")


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def sessions_at(event, *offsets_in_days: float, cancelled: int | None = None) -> None:
    """Move the event's sessions to these days from now (after its sign-ups)."""
    now = timezone.now()
    sessions = list(EventSession.objects.filter(event=event).order_by("sort_order"))
    for index, (session, days) in enumerate(zip(sessions, offsets_in_days, strict=True)):
        session.start = now + timedelta(days=days)
        session.end = session.start + timedelta(hours=2)
        session.status = "cancelled" if index == cancelled else "inherit"
        session.save()


# serialized_rollback: the rows the migrations wrote (content types, the page tree's root),
# which an earlier transactional test's flush removed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("vocabulary")
def test_the_flag_becomes_attendance_at_each_session_begun(event_of, vive):
    three = [{"title": f"Modul {n}"} for n in (1, 2, 3)]
    over = event_of(vive, title="Afsluttet forløb", sessions=three, capacity=10)
    running = event_of(vive, title="Igangværende forløb", sessions=three, capacity=10)
    group_course = event_of(
        vive,
        title="Gruppeforløb",
        sessions=[{}],
        participation="staff_group",
        capacity=10,
        event_type="advisory_course",
    )
    came = sign_up(over, name="Ærlig Åberg").registration
    stayed_away = sign_up(over).registration
    unknown = sign_up(over).registration
    running_came = sign_up(running).registration
    group = apply_group(group_course, participants=2).registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    members = [
        GroupMember.objects.create(registration=group, name=name, email=f"{n}@kommune.example")
        for n, name in enumerate(["Søs Ø", "Bo Æ"])
    ]
    sessions_at(over, -30, -20, -10, cancelled=1)  # the middle module was cancelled
    sessions_at(running, -7, 7, 14)
    sessions_at(group_course, -3)
    Registration.objects.filter(pk__in=[came.pk, running_came.pk, group.pk]).update(attended=True)
    Registration.objects.filter(pk=stayed_away.pk).update(attended=False)

    migrate([BEFORE])
    migrate([AFTER])
    migrate_to_latest()  # any later migration of the events app, back as it was

    def records(registration):
        return sorted(
            SessionAttendance.objects.filter(registration=registration).values_list(
                "session__title", "member__name", "status"
            )
        )

    assert records(came) == [("Modul 1", None, "present"), ("Modul 3", None, "present")]
    assert records(stayed_away) == [("Modul 1", None, "absent"), ("Modul 3", None, "absent")]
    assert records(unknown) == []
    assert records(running_came) == [("Modul 1", None, "present")]  # only the module begun
    assert records(group) == sorted(("", m.name, "present") for m in members)
    # The flag itself stays, as the summary the listings read.
    assert Registration.objects.get(pk=came.pk).attended is True
