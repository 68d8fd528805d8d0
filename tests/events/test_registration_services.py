"""Sign-ups, waiting lists, staff-group applications and cancellation, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.errors import EventsError
from events.models import EventPage, IdempotentRequest, OutboundEmail, Registration
from events.registrations.applications import (
    application_approve,
    application_decline,
    application_manager_confirm,
)
from events.registrations.selectors import registration_state
from events.registrations.services import registration_cancel, registration_promote
from events.retention.services import registration_anonymise, registration_forget_needs
from events.selectors import event_list_public
from home.prepared_statements import executes_expanded
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, capacity=2, waiting_list_enabled=True)


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("pk")
        .values_list("email", "status", "waiting_position")
    )


def test_sign_ups_are_confirmed_while_seats_are_left_then_queue_in_order(webinar):
    outcomes = [sign_up(webinar, email=f"p{i}@kommune.example") for i in range(5)]
    assert [(o.status, o.waiting_position) for o in outcomes] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waiting_list", 1),
        ("waiting_list", 2),
        ("waiting_list", 3),
    ]
    assert emails_to("p0@kommune.example") == ["confirmation"]
    assert emails_to("p2@kommune.example") == ["waiting_list"]
    assert OutboundEmail.objects.get(to="p3@kommune.example").body_text.count("nummer 2")


def test_full_event_without_waiting_list_refuses_with_409(event_of, vive):
    event = event_of(vive, capacity=1, waiting_list_enabled=False)
    sign_up(event)
    with pytest.raises(EventsError) as error:
        sign_up(event)
    assert error.value.http_status == 409
    assert "fuldt" in str(error.value.message)
    assert Registration.objects.filter(event=event).count() == 1


def test_unlimited_event_confirms_everyone(event_of, vive):
    event = event_of(vive, capacity=None)
    assert {sign_up(event).status for _ in range(3)} == {"confirmed"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"registration_opens": timezone.now() + timedelta(days=1)}, "not_yet_open"),
        ({"registration_closes": timezone.now() - timedelta(minutes=1)}, "closed"),
        ({"status": "cancelled"}, "event_cancelled"),
    ],
)
def test_registration_window_and_cancelled_event_are_enforced(event_of, vive, fields, code):
    event = event_of(vive, capacity=10, **fields)
    with pytest.raises(EventsError) as error:
        sign_up(event)
    assert (error.value.code, error.value.http_status) == (code, 409)
    assert not Registration.objects.filter(event=event).exists()


def test_registration_closes_when_the_event_starts_without_a_deadline(event_of, vive):
    start = timezone.now() - timedelta(minutes=5)
    event = event_of(
        vive, capacity=10, sessions=[{"start": start, "end": start + timedelta(hours=1)}]
    )
    with pytest.raises(EventsError) as error:
        sign_up(event)
    assert error.value.code == "closed"


def test_unpublished_event_is_not_found(event_of, vive):
    event = event_of(vive, capacity=10, publish=False)
    with pytest.raises(EventsError) as error:
        sign_up(event)
    assert error.value.http_status == 404


def test_missing_consent_is_refused(webinar):
    with pytest.raises(EventsError) as error:
        sign_up(webinar, consent=False)
    assert (error.value.http_status, error.value.field) == (400, "consent")


def test_signing_up_twice_creates_nothing_and_emails_the_person(webinar):
    first = sign_up(webinar, email="Anna@Kommune.example")
    again = sign_up(webinar, email="anna@kommune.example ", name="Fremmed")
    assert again.created is False
    assert (again.status, again.waiting_position) == ("confirmed", None)
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.filter(event=webinar).count() == 1
    assert Registration.objects.get().name != "Fremmed"
    assert emails_to("anna@kommune.example") == ["confirmation", "already_registered"]


def test_repeat_answers_what_a_new_sign_up_would_get(webinar):
    sign_up(webinar, email="a@kommune.example")
    sign_up(webinar, email="b@kommune.example")
    again = sign_up(webinar, email="a@kommune.example")
    # A stranger trying a's address learns only what any newcomer would: the waiting list.
    assert (again.status, again.waiting_position) == ("waiting_list", 1)
    assert Registration.objects.filter(event=webinar).count() == 2


def test_one_active_registration_per_email_is_a_database_rule(webinar):
    registration = sign_up(webinar, email="a@kommune.example").registration
    duplicate = Registration.objects.get(pk=registration.pk)
    duplicate.pk = None
    duplicate.token = "another"
    duplicate.manager_token = "another-manager"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    registration_cancel(registration=registration)
    again = sign_up(webinar, email="a@kommune.example")
    assert again.created is True


def test_cancelling_a_confirmed_seat_promotes_the_first_waiting_and_tells_them(webinar):
    people = [sign_up(webinar, email=f"p{i}@kommune.example").registration for i in range(5)]
    registration_cancel(registration=people[0])
    assert statuses(webinar) == [
        ("p0@kommune.example", "cancelled", None),
        ("p1@kommune.example", "confirmed", None),
        ("p2@kommune.example", "confirmed", None),
        ("p3@kommune.example", "waiting_list", 1),
        ("p4@kommune.example", "waiting_list", 2),
    ]
    assert emails_to("p0@kommune.example") == ["confirmation", "cancelled"]
    assert emails_to("p2@kommune.example") == ["waiting_list", "promoted"]
    assert emails_to("p3@kommune.example") == ["waiting_list"]


def test_three_cancel_and_the_next_three_are_in_in_order(event_of, vive):
    event = event_of(vive, capacity=5)
    people = [sign_up(event, email=f"p{i}@kommune.example").registration for i in range(10)]
    for registration in people[:3]:
        registration_cancel(registration=registration)
    confirmed = Registration.objects.filter(event=event, status="confirmed")
    assert sorted(r.email for r in confirmed) == [f"p{i}@kommune.example" for i in range(3, 8)]
    waiting = Registration.objects.filter(event=event, status="waiting_list").order_by(
        "waiting_position"
    )
    assert [(r.email, r.waiting_position) for r in waiting] == [
        ("p8@kommune.example", 1),
        ("p9@kommune.example", 2),
    ]
    assert all(emails_to(f"p{i}@kommune.example")[-1] == "promoted" for i in (5, 6, 7))


def test_cancelling_from_the_waiting_list_leaves_it_and_closes_the_gap(webinar):
    people = [sign_up(webinar, email=f"p{i}@kommune.example").registration for i in range(5)]
    registration_cancel(registration=people[3])
    assert statuses(webinar)[2:] == [
        ("p2@kommune.example", "waiting_list", 1),
        ("p3@kommune.example", "cancelled", None),
        ("p4@kommune.example", "waiting_list", 2),
    ]
    assert sign_up(webinar).waiting_position == 3


def test_cancelling_twice_changes_nothing(webinar):
    registration = sign_up(webinar).registration
    registration_cancel(registration=registration)
    registration_cancel(registration=registration)
    assert emails_to(registration.email) == ["confirmation", "cancelled"]


def test_no_promotion_once_registration_has_closed(event_of, vive):
    closes = timezone.now() + timedelta(days=1)
    event = event_of(vive, capacity=1, registration_closes=closes)
    first = sign_up(event).registration
    second = sign_up(event).registration
    registration_cancel(registration=first, now=closes + timedelta(minutes=1))
    second.refresh_from_db()
    assert (second.status, second.waiting_position) == ("waiting_list", 1)


def test_no_promotion_once_the_course_has_started_even_before_its_deadline(event_of, vive):
    first_start = timezone.now() + timedelta(days=2)
    sessions = [
        {"start": first_start, "end": first_start + timedelta(hours=3)},
        {"start": first_start + timedelta(days=7), "end": first_start + timedelta(days=7, hours=3)},
    ]
    event = event_of(
        vive, capacity=1, sessions=sessions, registration_closes=first_start + timedelta(days=3)
    )
    first = sign_up(event).registration
    second = sign_up(event).registration
    registration_cancel(
        registration=first,
        reason="organiser",
        explanation="Aflyst af centret.",
        now=first_start + timedelta(hours=1),
    )
    second.refresh_from_db()
    assert (second.status, second.waiting_position) == ("waiting_list", 1)


def test_publishing_more_seats_promotes_the_waiting_list_in_order(webinar):
    people = [sign_up(webinar, email=f"p{i}@kommune.example").registration for i in range(6)]
    page = webinar.get_latest_revision_as_object()
    page.capacity = 4
    page.save_revision().publish()
    assert statuses(webinar)[2:] == [
        ("p2@kommune.example", "confirmed", None),
        ("p3@kommune.example", "confirmed", None),
        ("p4@kommune.example", "waiting_list", 1),
        ("p5@kommune.example", "waiting_list", 2),
    ]
    assert emails_to("p3@kommune.example")[-1] == "promoted"
    assert emails_to("p4@kommune.example") == ["waiting_list"]
    # Republishing with no new seats moves nobody.
    webinar.get_latest_revision_as_object().save_revision().publish()
    assert Registration.objects.filter(event=webinar, status="confirmed").count() == 4
    assert people[5].pk == Registration.objects.get(waiting_position=2, event=webinar).pk


def test_registrant_cannot_cancel_after_the_start_but_the_organiser_can(webinar):
    registration = sign_up(webinar).registration
    started = webinar.first_start + timedelta(minutes=1)
    with pytest.raises(EventsError) as error:
        registration_cancel(registration=registration, now=started)
    assert error.value.code == "started"
    registration_cancel(
        registration=registration, reason="organiser", explanation="Dobbelttilmelding.", now=started
    )
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_organiser_promotes_from_the_waiting_list_when_seats_are_free(webinar):
    people = [sign_up(webinar).registration for _ in range(4)]
    with pytest.raises(EventsError) as error:
        registration_promote(registration=people[3])
    assert error.value.code == "no_seats"
    webinar.capacity = 3
    webinar.save(update_fields=["capacity"])
    registration_promote(registration=people[3])
    assert [s[1:] for s in statuses(webinar)] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waiting_list", 1),
        ("confirmed", None),
    ]


def test_a_failure_midway_saves_nothing(webinar, course, monkeypatch):
    """All or nothing: when the second email of an application cannot be written, neither the
    application nor the first email nor the idempotency record remain."""
    from events.registrations import signups

    real = signups.registration_email_unwritten

    def failing(*, registration, kind):
        if kind == "manager_request":
            raise RuntimeError("the outbox is gone")
        return real(registration=registration, kind=kind)

    monkeypatch.setattr(signups, "registration_email_unwritten", failing)
    with pytest.raises(RuntimeError):
        apply_group(course, idempotency_key="forsoeg-1")
    assert not Registration.objects.filter(event=course).exists()
    assert not OutboundEmail.objects.exists()
    assert not IdempotentRequest.objects.exists()
    monkeypatch.setattr(signups, "registration_email_unwritten", real)
    assert apply_group(course, idempotency_key="forsoeg-1").status == "pending"


# --- staff-group applications ------------------------------------------------------------


@pytest.fixture
def course(event_of, vive):
    return event_of(
        vive,
        event_type="advisory_course",
        participation="staff_group",
        capacity=20,
        format="online",
    )


def test_application_is_pending_holds_no_seats_and_asks_the_manager(course):
    outcome = apply_group(course, participants=12, email="kontakt@kommune.example")
    application = outcome.registration
    assert (outcome.status, application.status) == ("pending", "pending")
    assert emails_to("kontakt@kommune.example") == ["pending"]
    assert emails_to(application.manager_email) == ["manager_request"]
    manager_email = OutboundEmail.objects.get(to=application.manager_email)
    assert application.manager_confirm_url() in manager_email.body_text
    assert application.manager_token not in application.manage_url()
    event = event_list_public().get(pk=course.pk)
    assert registration_state(event, now=timezone.now())["seats_left"] == 20


def test_application_needs_the_managers_anchoring_then_the_organisers_approval(
    course, vive_moderator
):
    application = apply_group(course, participants=12).registration
    with pytest.raises(EventsError) as error:
        application_approve(registration=application, by=vive_moderator)
    assert error.value.code == "manager_not_confirmed"
    application_manager_confirm(registration=application)
    application_approve(registration=application, by=vive_moderator)
    application.refresh_from_db()
    assert application.status == "confirmed"
    assert application.decided_by == vive_moderator
    assert emails_to(application.email)[-1] == "application_approved"
    event = event_list_public().get(pk=course.pk)
    assert event.seats_taken == 12


def test_approval_checks_capacity_by_participants(course):
    first = apply_group(course, participants=12).registration
    second = apply_group(course, participants=9).registration
    for application in (first, second):
        application_manager_confirm(registration=application)
    application_approve(registration=first)
    with pytest.raises(EventsError) as error:
        application_approve(registration=second)
    assert error.value.code == "no_seats"
    second.refresh_from_db()
    assert second.status == "pending"


def test_declined_application_is_cancelled_and_told(course):
    application = apply_group(course).registration
    application_decline(registration=application)
    application.refresh_from_db()
    assert (application.status, application.cancel_reason) == ("cancelled", "declined")
    assert emails_to(application.email)[-1] == "application_declined"
    with pytest.raises(EventsError):
        application_approve(registration=application)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"unit": ""}, "unit_required"),
        ({"manager_email": ""}, "manager_required"),
        ({"manager_email": "kontakt@kommune.example"}, "manager_is_contact"),
        ({"participants": 21}, "too_many_participants"),
    ],
)
def test_application_fields_are_required(course, fields, code):
    values = {
        "email": "kontakt@kommune.example",
        "participants": 5,
        "unit": "Myndighed",
        "manager_name": "Lene Leder",
        "manager_email": "leder@kommune.example",
    }
    values.update(fields)
    with pytest.raises(EventsError) as error:
        sign_up(course, **values)
    assert error.value.code == code
    assert not Registration.objects.exists()


def test_individual_sign_up_is_for_one_participant(webinar):
    with pytest.raises(EventsError) as error:
        sign_up(webinar, participants=3)
    assert error.value.code == "individual_only_one"


# --- personal data --------------------------------------------------------------------------


def test_anonymising_keeps_the_statistics_only(course):
    application = apply_group(course, accessibility_needs="Kørestol").registration
    token = application.token
    registration_anonymise(registration=application)
    application.refresh_from_db()
    assert application.anonymised_at is not None
    for field in ("name", "workplace", "accessibility_needs", "unit", "manager_name"):
        assert getattr(application, field) == "", field
    assert application.email.endswith("@anonymiseret.invalid")
    assert application.manager_email == ""
    assert application.token != token
    assert application.municipality.code == "0101"
    assert application.job_role.slug == "sagsbehandlere"
    assert (application.status, application.participants) == ("pending", 5)


def test_forgetting_needs_keeps_the_rest(webinar):
    registration = sign_up(webinar, accessibility_needs="Tolk").registration
    registration_forget_needs(registration=registration)
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""
    assert registration.name


def test_seats_taken_is_annotated_without_a_query_per_event(
    event_of, vive, django_assert_num_queries
):
    events = [event_of(vive, capacity=3) for _ in range(3)]
    sign_up(events[0])
    sign_up(events[0])
    sign_up(events[1])
    listed = {e.pk: e for e in event_list_public().filter(pk__in=[e.pk for e in events])}
    assert [listed[e.pk].seats_taken for e in events] == [2, 1, 0]
    now = timezone.now()
    assert registration_state(listed[events[0].pk], now=now) == {"state": "open", "seats_left": 1}


def test_a_twin_request_that_committed_while_this_one_waited_is_replayed(webinar, monkeypatch):
    """Two requests with one Idempotency-Key, where the locked reads did not see the first
    (SQLite takes no row lock: the first may commit between the second's read and its
    INSERT). The INSERT of the key fails, the transaction is rolled back whole, and the second
    answers what the first did."""
    import dataclasses

    from events.registrations import signups

    first = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    real, calls = signups.seat_reads_locked, []

    def blind_to_the_key(*args):
        calls.append(args[-1])
        return dataclasses.replace(real(*args), earlier=None)

    monkeypatch.setattr(signups, "seat_reads_locked", blind_to_the_key)
    again = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    assert again.replayed and again.status == first.status == "confirmed"
    assert Registration.objects.filter(email="anna@kommune.example").count() == 1
    assert emails_to("anna@kommune.example") == ["confirmation"]  # no "already registered"
    assert IdempotentRequest.objects.count() == 1
    assert calls == ["k-1"]


def test_a_repeated_request_is_answered_from_the_locked_reads_in_their_round_trip(webinar):
    """A new request's key is looked up with the locked reads, not in a round trip of its
    own; a repeat finds the first answer there, writes nothing and sends nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    with CaptureQueriesContext(connection) as queries:
        again = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    assert again.replayed and again.status == first.status == "confirmed"
    sqls = [executes_expanded(q["sql"]) for q in queries.captured_queries]
    [read] = [sql for sql in sqls if "events_idempotentrequest" in sql]  # the locked reads
    assert "FOR UPDATE" in read or connection.vendor == "sqlite"
    assert not any(sql.startswith("INSERT") for sql in sqls)
    assert emails_to("anna@kommune.example") == ["confirmation"]
    assert IdempotentRequest.objects.count() == 1


def test_a_repeat_gets_the_first_answer_after_registration_closed(webinar):
    """What changed since the first request (registration closed) does not change the answer
    to its repeat: the key is looked up when a check before the lock refuses."""
    first = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    EventPage.objects.filter(pk=webinar.pk).update(
        registration_closes=timezone.now() - timedelta(minutes=1)
    )
    webinar.refresh_from_db()
    again = sign_up(webinar, name="Anna", email="anna@kommune.example", idempotency_key="k-1")
    assert again.replayed and again.status == first.status
    with pytest.raises(EventsError) as refused:
        sign_up(webinar, name="Bo", email="bo@kommune.example", idempotency_key="k-2")
    assert refused.value.code == "closed"
