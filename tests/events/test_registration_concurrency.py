"""Capacity holds under real concurrent sign-ups on PostgreSQL (threads, each its own
connection): the event's row lock serialises the seat count, so seats never overflow and
waiting-list positions never repeat."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from events.errors import EventsError
from events.models import OutboundEmail, Registration, RegistrationAnswer
from events.registrations.changes import registration_details_change, registration_transfer
from events.registrations.members import member_add
from events.registrations.services import registration_cancel
from home.demo import vocabulary_seed
from tests.events.groups import group_course, member
from tests.events.questions import option, question, with_questions
from tests.events.registrations import apply_group, sign_up
from tests.markers import needs_postgres

WORKERS = 16  # concurrent connections; PostgreSQL's default limit is 100, shared with others


def in_own_connection(action):
    def run(*args):
        try:
            return action(*args)
        finally:
            connections.close_all()  # this thread's connection

    return run


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_sign_ups_for_50_seats_then_3_concurrent_cancellations(
    centre, event_of, vive
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so it would prove nothing")
    vocabulary_seed()
    event = event_of(vive, capacity=50, waiting_list_enabled=True)

    def attempt(i: int):
        return sign_up(event, email=f"p{i:03d}@kommune.example")

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(in_own_connection(attempt), range(200)))

    assert sum(o.status == "confirmed" for o in outcomes) == 50
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == 50
    waiting = list(registrations.filter(status="waiting_list").order_by("pk"))
    # Positions 1..150, unique, in the order the sign-ups got their turn.
    assert [r.waiting_position for r in waiting] == list(range(1, 151))
    assert sorted(o.waiting_position for o in outcomes if o.waiting_position) == list(range(1, 151))
    assert OutboundEmail.objects.filter(event=event).count() == 200

    leaving = list(registrations.filter(status="confirmed").order_by("pk")[:3])
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(in_own_connection(lambda r: registration_cancel(registration=r)), leaving))
    promoted = [Registration.objects.get(pk=r.pk) for r in waiting[:3]]
    assert [r.status for r in promoted] == ["confirmed"] * 3
    assert all(
        OutboundEmail.objects.filter(registration_id=r.pk, kind="promoted").exists()
        for r in promoted
    )
    assert registrations.filter(status="confirmed").count() == 50
    rest = registrations.filter(status="waiting_list").order_by("waiting_position")
    assert [r.pk for r in rest] == [r.pk for r in waiting[3:]]
    assert [r.waiting_position for r in rest] == list(range(1, 148))


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_sign_ups_never_overbook_a_workshops_places(centre, event_of, vive):
    """Each option's places are counted under the event's row lock, as the seats are: 200
    people at once asking for two workshops of 30 and 20 places get exactly 30 and 20; the rest
    are refused with the option's 409 (the event itself has room for all)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so it would prove nothing")
    vocabulary_seed()
    event = with_questions(
        event_of,
        vive,
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            required=True,
            options=[option("a", "Workshop A", 30), option("b", "Workshop B", 20)],
        ),
        capacity=500,
    )

    def attempt(i: int):
        try:
            return sign_up(
                event, email=f"w{i:03d}@kommune.example", answers={"workshop": "ab"[i % 2]}
            ).status
        except EventsError as error:
            return error.code

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(in_own_connection(attempt), range(200)))

    assert outcomes.count("confirmed") == 50
    assert outcomes.count("option_full") == 150
    chosen = Registration.objects.filter(event=event, status="confirmed")
    assert chosen.filter(answers__value="a").count() == 30
    assert chosen.filter(answers__value="b").count() == 20


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_changes_to_the_last_place_of_an_option_and_transfers_of_one_seat(
    centre, event_of, vive
):
    """Twenty registrants at once changing to a workshop with five places left get exactly
    five; and a registrant sending two colleagues at once (two tabs) hands the seat over once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so it would prove nothing")
    vocabulary_seed()
    event = with_questions(
        event_of,
        vive,
        question(
            "Workshop",
            "limited_choice",
            key="workshop",
            options=[option("a", places=100), option("b", places=5)],
        ),
        capacity=100,
    )
    people = [
        sign_up(event, email=f"c{i:02d}@kommune.example", answers={"workshop": "a"}).registration
        for i in range(20)
    ]

    def change(registration):
        try:
            return registration_details_change(
                registration=registration,
                name=registration.name,
                phone="",
                workplace=registration.workplace,
                municipality=registration.municipality,
                job_role=registration.job_role,
                accessibility_needs="",
                answers={"workshop": "b"},
            )
        except EventsError as error:
            return error.code

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(in_own_connection(change), people))
    assert sum(outcome == "option_full" for outcome in outcomes) == 15
    chosen = list(
        RegistrationAnswer.objects.filter(registration__event=event).values_list("value", flat=True)
    )
    assert chosen.count("b") == 5 and chosen.count("a") == 15

    def transfer(number: int):
        try:
            return registration_transfer(
                registration=people[0],
                name="Kollega",
                email=f"kollega{number}@kommune.example",
                workplace="PPR",
                municipality=people[0].municipality,
                job_role=None,
                consent=True,
            ).pk
        except EventsError as error:
            return error.code

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(in_own_connection(transfer), [1, 2]))
    assert results.count("change_cancelled") == 1  # the second finds the seat handed over
    assert Registration.objects.filter(transferred_from=people[0]).count() == 1
    assert Registration.objects.filter(event=event, status="confirmed").count() == 20


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_members_never_overbook_an_options_places(centre, event_of, vive):
    """A staff group's members each take one of an option's places, counted under the event's
    row lock: 30 participants added at once to five applications, for a workshop of 3 places
    (``group_course``'s Workshop A), get exactly 3; the rest are refused with the option's
    409."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so it would prove nothing")
    vocabulary_seed()
    event = group_course(event_of, vive, capacity=100)
    applications = [
        apply_group(
            event, participants=6, email=f"a{i}@kommune.example", answers={"workshop": "b"}
        ).registration
        for i in range(5)
    ]

    def attempt(i: int):
        try:
            member_add(registration=applications[i % 5], member=member(i, "a"))
            return "added"
        except EventsError as error:
            return error.code

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(in_own_connection(attempt), range(30)))

    assert outcomes.count("added") == 3
    assert outcomes.count("option_full") == 27
    assert RegistrationAnswer.objects.filter(key="workshop", value="a").count() == 3
