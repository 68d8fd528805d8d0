"""A staff group's named participants: named at sign-up or later, answering the questions asked
per participant (each taking one of an option's places, under the event's lock), each told of
their seat with the calendar file and reminded, and erased with their application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from freezegun import freeze_time
from icalendar import Calendar

from events.errors import EventsError
from events.mail.event_notices import event_changes_notify
from events.mail.reminders import reminders_enqueue_due
from events.models import GroupMember, OutboundEmail, Registration, RegistrationAnswer
from events.registrations.applications import application_decline
from events.registrations.members import member_add, member_change, member_remove, member_withdraw
from events.registrations.selectors import option_places_taken
from events.registrations.services import registration_cancel
from events.retention.services import registrant_erase, retention_apply
from tests.events.groups import END, START, approved, group_course, member
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

BEFORE = START - timedelta(days=20)


@pytest.fixture
def course(event_of, vive):
    with freeze_time(BEFORE - timedelta(days=1)):
        return group_course(event_of, vive)


def _apply(course, members=(), participants=5, **fields):
    with freeze_time(BEFORE):
        return apply_group(
            course,
            participants=participants,
            answers={"omraade": "myndighed"},
            members=list(members),
            **fields,
        ).registration


def _refused(action) -> EventsError:
    with pytest.raises(EventsError) as caught, freeze_time(BEFORE):
        action()
    return caught.value


def test_members_named_at_sign_up_answer_the_per_participant_questions(course):
    application = _apply(
        course,
        [member(1, "a", needs="Kørestol"), member(2, answers={"workshop": "b", "kost": "Vegan"})],
    )
    named = list(application.members.order_by("pk"))
    assert [(m.name, m.email, m.needs) for m in named] == [
        ("Medarbejder 1", "medarbejder1@kommune.example", "Kørestol"),
        ("Medarbejder 2", "medarbejder2@kommune.example", ""),
    ]
    assert [(a.key, a.text) for a in application.own_answers()] == [("omraade", "Myndighed")]
    assert {(a.member.name, a.key, a.text) for a in named[1].answers.all()} == {
        ("Medarbejder 2", "workshop", "Workshop B"),
        ("Medarbejder 2", "kost", "Vegan"),
    }
    assert named[0].token != named[1].token != application.token
    # Nothing goes to the members before the organiser approves.
    assert emails_to("medarbejder1@kommune.example") == []


@pytest.mark.parametrize(
    ("members", "errors"),
    [
        (
            [member(1), {"name": "Bo", "email": "ikke-en-adresse", "answers": {"workshop": "b"}}],
            {
                "members[1].email": [
                    "Deltager 2, e-mail: skriv en gyldig e-mailadresse på internettet."
                ]
            },
        ),
        (
            [member(1), member(2), {**member(3), "email": "Medarbejder1@kommune.example"}],
            {
                "members[2].email": [
                    "Deltager 3, e-mail: medarbejder1@kommune.example er allerede deltager i "
                    "ansøgningen; hver deltager skal have sin egen e-mailadresse."
                ]
            },
        ),
        (
            [member(1, answers={})],
            {"members[0].answers.workshop": ["Deltager 1, Workshop: besvar spørgsmålet."]},
        ),
        (
            [{"name": "x" * 201, "email": "a@b.example", "answers": {"workshop": "b"}}],
            {"members[0].name": ["Deltager 1, navn: skriv deltagerens navn (højst 200 tegn)."]},
        ),
    ],
)
def test_bad_members_are_refused_naming_the_field_and_write_nothing(course, members, errors):
    error = _refused(lambda: _apply(course, members))
    assert error.http_status == 400
    assert error.errors == errors
    assert not Registration.objects.filter(event=course).exists()
    assert not GroupMember.objects.exists()


def test_the_groups_one_answer_gives_way_to_the_members_own_with_its_places(course):
    with freeze_time(BEFORE):
        group = apply_group(
            course, participants=3, answers={"omraade": "almen", "workshop": "a"}
        ).registration
    taken = option_places_taken(event_ids=[course.pk], keys=["workshop"])
    assert taken[(course.pk, "workshop", "a")] == 3  # the group's three seats: A is full
    with freeze_time(BEFORE):
        member_add(registration=group, member=member(1, "a"))
    assert [(a.key, a.member_id is None) for a in group.answers.order_by("pk")] == [
        ("omraade", True),
        ("workshop", False),
    ]
    taken = option_places_taken(event_ids=[course.pk], keys=["workshop"])
    assert taken[(course.pk, "workshop", "a")] == 1


def test_more_members_than_seats_applied_for_are_refused(course):
    error = _refused(lambda: _apply(course, [member(n) for n in range(3)], participants=2))
    assert (error.code, error.field) == ("members_too_many", "members")
    assert "højst 2" in error.message


def test_an_individual_sign_up_names_no_members(event_of, vive):
    webinar = event_of(vive, capacity=5)
    with pytest.raises(EventsError) as caught:
        sign_up(webinar, members=[member(1)])
    assert caught.value.code == "members_not_group"


def test_each_member_takes_one_place_of_the_option_they_chose(course):
    first = _apply(course, [member(1, "a"), member(2, "a"), member(3, "b")], participants=10)
    taken = option_places_taken(event_ids=[course.pk], keys=["workshop"])
    assert taken[(course.pk, "workshop", "a")] == 2  # not the group's 10 seats
    with freeze_time(BEFORE):
        member_add(registration=first, member=member(4, "a"))
    error = _refused(lambda: member_add(registration=first, member=member(5, "a")))
    assert error.code == "option_full" and "Workshop A" in error.message
    error = _refused(lambda: _apply(course, [member(6, "a")], email="anden@kommune.example"))
    assert error.code == "option_full"
    # A member changing their choice frees their place; removing one frees it too.
    third = first.members.get(email="medarbejder3@kommune.example")
    error = _refused(lambda: member_change(member=third, data=member(3, "a")))
    assert error.code == "option_full"
    with freeze_time(BEFORE):
        one = first.members.get(email="medarbejder1@kommune.example")
        member_change(member=one, data=member(1, "a", needs="Glutenfri"))  # keeps its own place
        member_remove(member=one)
        member_change(member=third, data=member(3, "a"))
    taken = option_places_taken(event_ids=[course.pk], keys=["workshop"])
    assert taken[(course.pk, "workshop", "a")] == 3


def _calendar(email: OutboundEmail) -> Calendar:
    return Calendar.from_ical(email.ics)


def test_approval_gives_each_member_their_seat_with_the_calendar_file_and_own_link(course):
    application = _apply(course, [member(1), member(2)])
    with freeze_time(BEFORE + timedelta(days=1)):
        approved(application)
    for row in application.members.order_by("pk"):
        (email,) = OutboundEmail.objects.filter(to=row.email)
        assert email.kind == "member_confirmation"
        assert email.ics_method == "REQUEST"
        assert _calendar(email).get("METHOD") == "REQUEST"
        assert row.page_url() in email.body_text
        assert application.token not in email.body_text  # the applicant's link is theirs
        assert "Medarbejder" not in email.body_text  # nothing the applicant typed
        assert email.registration_id == application.pk
    # A member added to an approved application is told at once; removed, their calendar
    # entry is cancelled.
    with freeze_time(BEFORE + timedelta(days=2)):
        third = member_add(registration=application, member=member(3))
        assert emails_to(third.email) == ["member_confirmation"]
        member_remove(member=third)
    cancelled = OutboundEmail.objects.get(to=third.email, kind="member_cancelled")
    assert _calendar(cancelled).get("METHOD") == "CANCEL"
    # A member with a new address: the old one is told it is over, the new one gets the seat.
    first = application.members.order_by("pk").first()
    old_token = first.token
    with freeze_time(BEFORE + timedelta(days=2)):
        member_change(member=first, data=member(1, email="ny@kommune.example"))
    first.refresh_from_db()
    assert first.token != old_token
    assert emails_to("medarbejder1@kommune.example") == ["member_confirmation", "member_cancelled"]
    assert emails_to("ny@kommune.example") == ["member_confirmation"]


def test_an_application_cancelled_after_approval_cancels_its_members_calendars(course):
    application = _apply(course, [member(1)])
    with freeze_time(BEFORE):
        approved(application)
        registration_cancel(registration=application)
    assert emails_to("medarbejder1@kommune.example") == ["member_confirmation", "member_cancelled"]


def test_a_member_withdraws_by_their_own_link_until_the_event_starts(course):
    application = _apply(course, [member(1), member(2)])
    with freeze_time(BEFORE):
        approved(application)
    first, second = application.members.order_by("pk")
    with freeze_time(BEFORE):
        member_withdraw(member=first)
    assert emails_to(first.email) == ["member_confirmation", "member_cancelled"]
    with pytest.raises(EventsError) as caught, freeze_time(START + timedelta(minutes=5)):
        member_withdraw(member=second)
    assert caught.value.code == "started"
    application.refresh_from_db()
    assert application.participants == 5 and application.status == "confirmed"


def test_members_get_reminders_and_join_links_once_each(course):
    application = _apply(course, [member(1), member(2)])
    with freeze_time(BEFORE):
        approved(application)
    with freeze_time(START - timedelta(hours=23)):
        first = reminders_enqueue_due()
        again = reminders_enqueue_due()  # another cluster, a retry
    assert first > 0 and again == 0
    for row in application.members.all():
        kinds = emails_to(row.email)
        assert kinds.count("reminder") + kinds.count("join_link") >= 1
        reminder = OutboundEmail.objects.filter(to=row.email, kind__in=["reminder", "join_link"])
        assert all(row.page_url() in e.body_text for e in reminder)
        assert all(f":m{row.pk}:" in e.dedupe_key for e in reminder)
    assert (
        emails_to(application.email).count("reminder")
        + emails_to(application.email).count("join_link")
        >= 1
    )


def test_members_of_an_approved_group_are_told_of_changes_but_not_of_a_pending_one(course):
    application = _apply(course, [member(1)])
    waiting = _apply(course, [member(2)], email="anden@kommune.example")
    with freeze_time(BEFORE):
        approved(application)
    sessions = list(course.sessions.all())
    assert event_changes_notify(event=course, sessions=sessions) >= 2
    assert event_changes_notify(event=course, sessions=sessions) == 0  # the same change: once
    assert emails_to("medarbejder1@kommune.example")[-1] == "event_changed"
    assert emails_to("medarbejder2@kommune.example") == []
    assert waiting.members.count() == 1


def test_a_declined_application_tells_no_member(course):
    application = _apply(course, [member(1)])
    with freeze_time(BEFORE):
        application_decline(registration=application)
    assert emails_to("medarbejder1@kommune.example") == []


def test_members_needs_and_sensitive_answers_go_the_day_after_and_the_rest_with_the_registration(
    course, settings
):
    application = _apply(
        course, [member(1, "a", needs="Kørestol", answers={"workshop": "a", "kost": "Vegan"})]
    )
    with freeze_time(BEFORE):
        approved(application)
    row = application.members.get()
    with freeze_time(END + timedelta(hours=1)):
        retention_apply()
    row.refresh_from_db()
    assert row.needs == "Kørestol"
    with freeze_time(END + timedelta(days=1, hours=1)):
        result = retention_apply()
    row.refresh_from_db()
    assert result["member_needs_erased"] == 1 and row.needs == ""
    assert set(row.answers.values_list("key", flat=True)) == {"workshop"}
    with freeze_time(END + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 2)):
        retention_apply()
    row.refresh_from_db()
    assert row.name == "" and row.email.endswith("@anonymiseret.invalid")
    assert row.anonymised_at is not None
    assert not RegistrationAnswer.objects.filter(member=row).exists()  # workshop is ordinary
    assert RegistrationAnswer.objects.filter(registration=application, key="omraade").exists()
    assert not OutboundEmail.objects.filter(to="medarbejder1@kommune.example").exists()


def test_a_member_erases_their_data_by_their_address(course):
    application = _apply(course, [member(1), member(2)])
    with freeze_time(BEFORE):
        approved(application)
        assert registrant_erase(email="medarbejder1@kommune.example") == 1
    assert list(application.members.values_list("email", flat=True)) == [
        "medarbejder2@kommune.example"
    ]
    assert not OutboundEmail.objects.filter(to="medarbejder1@kommune.example").exists()
    application.refresh_from_db()
    assert application.status == "confirmed"  # the group keeps its seats
    seats = Registration.objects.filter(event=course, status="confirmed").aggregate(
        s=Sum("participants")
    )
    assert seats["s"] == 5
