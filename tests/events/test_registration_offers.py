"""Waiting-list offers: a freed seat is offered to the next on the list with a deadline, held
while the offer is out, claimed, declined, or passed on when it expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from events.errors import EventsError
from events.models import OutboundEmail, Registration
from events.registrations.offers import offer_claim, offer_decline, offers_expire
from events.registrations.services import registration_cancel, registration_promote
from events.registrations.tasks import offers_expire_due
from tests.events.registrations import emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    """Two seats, offers valid 48 hours, first session in 30 days; two confirmed, three
    waiting."""
    event = event_of(vive, title="Kursus i børnesamtaler", capacity=2, waiting_list_offer_hours=48)
    for i in range(5):
        sign_up(event, email=f"p{i}@kommune.example", name=f"Person {i}")
    return event


def person(i: int) -> Registration:
    return Registration.objects.get(email=f"p{i}@kommune.example")


def waiting_positions(event) -> list[tuple[str, int]]:
    rows = Registration.objects.filter(event=event, status="waiting_list")
    return list(rows.order_by("waiting_position").values_list("email", "waiting_position"))


def test_a_freed_seat_is_offered_to_the_first_waiting_with_a_48_hour_deadline(course):
    now = timezone.now()
    registration_cancel(registration=person(0), now=now)
    offered = person(2)
    assert offered.status == "offered"
    assert offered.waiting_position is None
    assert offered.offer_expires_at == now + timedelta(hours=48)
    # The offer holds the seat: the rest stay waiting, 1..n, and a new sign-up joins them.
    assert waiting_positions(course) == [("p3@kommune.example", 1), ("p4@kommune.example", 2)]
    late = sign_up(course, email="late@kommune.example")
    assert (late.status, late.waiting_position) == ("waiting_list", 3)
    assert emails_to("p2@kommune.example") == ["waiting_list", "offered"]
    email = OutboundEmail.objects.get(to="p2@kommune.example", kind="offered")
    assert email.subject == "Du kan få en plads: Kursus i børnesamtaler"
    assert offered.offer_url() in email.body_text
    local = timezone.localtime(offered.offer_expires_at)
    assert f"kl. {local:%H.%M}" in email.body_text and " den " in email.body_text
    assert not email.ics  # no calendar entry until the seat is taken
    for other in ("p0", "p1", "p3", "p4"):  # nobody else's data in it (a token may hold "p0")
        assert f"{other}@kommune.example" not in email.body_text


def test_the_deadline_is_capped_at_the_events_first_start(event_of, vive):
    start = timezone.now() + timedelta(hours=10)
    event = event_of(
        vive,
        capacity=1,
        waiting_list_offer_hours=48,
        sessions=[{"start": start, "end": start + timedelta(hours=2)}],
    )
    first = sign_up(event).registration
    waiting = sign_up(event).registration
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert waiting.offer_expires_at == start


def test_the_deadline_is_capped_at_registration_closing(event_of, vive):
    closes = timezone.now() + timedelta(hours=5)
    event = event_of(vive, capacity=1, waiting_list_offer_hours=48, registration_closes=closes)
    first = sign_up(event).registration
    waiting = sign_up(event).registration
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == closes


def test_claim_within_the_deadline_confirms_with_the_calendar_file(course):
    now = timezone.now()
    registration_cancel(registration=person(0), now=now)
    claimed = offer_claim(registration=person(2), now=now + timedelta(hours=47))
    assert claimed.status == "confirmed"
    assert emails_to("p2@kommune.example") == ["waiting_list", "offered", "confirmation"]
    confirmation = OutboundEmail.objects.get(to="p2@kommune.example", kind="confirmation")
    assert confirmation.ics_method == "REQUEST" and "BEGIN:VEVENT" in confirmation.ics
    # A second click changes nothing and sends nothing.
    offer_claim(registration=person(2), now=now + timedelta(hours=47, minutes=1))
    assert emails_to("p2@kommune.example").count("confirmation") == 1
    assert Registration.objects.filter(event=course, status="confirmed").count() == 2


def test_claim_after_the_deadline_is_refused_in_danish(course):
    now = timezone.now()
    registration_cancel(registration=person(0), now=now)
    with pytest.raises(EventsError) as refused:
        offer_claim(registration=person(2), now=now + timedelta(hours=48))
    assert refused.value.code == "offer_expired"
    assert "Fristen for at tage pladsen er udløbet" in str(refused.value.message)
    assert person(2).status == "offered"


def test_decline_passes_the_offer_on_at_once(course):
    registration_cancel(registration=person(0))
    offer_decline(registration=person(2))
    declined = person(2)
    assert (declined.status, declined.cancel_reason) == ("cancelled", "offer_declined")
    assert person(3).status == "offered"
    assert waiting_positions(course) == [("p4@kommune.example", 1)]
    with pytest.raises(EventsError) as again:
        offer_decline(registration=declined)
    assert again.value.code == "offer_not_open"


def test_cancelling_an_offered_registration_offers_the_seat_to_the_next(course):
    registration_cancel(registration=person(0))
    registration_cancel(
        registration=person(2), reason="organiser", explanation="Lokalet er for lille."
    )
    assert person(2).status == "cancelled"
    assert person(3).status == "offered"
    assert (
        Registration.objects.filter(event=course, status__in=["confirmed", "offered"]).count() == 2
    )


def test_unclaimed_offers_expire_and_pass_on_until_the_list_is_empty(course):
    start = timezone.now()
    with freeze_time(start) as clock:
        registration_cancel(registration=person(0))
        clock.tick(timedelta(hours=47, minutes=59))
        assert offers_expire() == 0
        assert person(2).status == "offered"
        clock.tick(timedelta(minutes=1))
        assert offers_expire() == 1
        expired = person(2)
        assert (expired.status, expired.cancel_reason) == ("cancelled", "offer_expired")
        assert emails_to("p2@kommune.example") == ["waiting_list", "offered", "offer_expired"]
        told = OutboundEmail.objects.get(to="p2@kommune.example", kind="offer_expired")
        assert "Du står ikke længere på ventelisten" in told.body_text
        assert person(3).status == "offered"
        assert person(3).offer_expires_at == timezone.now() + timedelta(hours=48)
        assert waiting_positions(course) == [("p4@kommune.example", 1)]
        clock.tick(timedelta(hours=48))
        offers_expire()
        clock.tick(timedelta(hours=48))
        offers_expire()
        assert [person(i).status for i in range(5)] == [
            "cancelled",
            "confirmed",
            "cancelled",
            "cancelled",
            "cancelled",
        ]
        assert Registration.objects.filter(event=course, status="offered").count() == 0


def test_nothing_more_is_offered_once_the_event_has_started(event_of, vive):
    start = timezone.now() + timedelta(hours=3)
    event = event_of(
        vive,
        capacity=1,
        waiting_list_offer_hours=48,
        sessions=[{"start": start, "end": start + timedelta(hours=2)}],
    )
    first = sign_up(event).registration
    second = sign_up(event).registration
    third = sign_up(event).registration
    registration_cancel(registration=first)
    with freeze_time(start):
        assert offers_expire() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.cancel_reason) == ("cancelled", "offer_expired")
    assert third.status == "waiting_list"  # the event has started: no new offer
    assert emails_to(third.email) == ["waiting_list"]


def test_the_task_run_twice_expires_once_and_offers_once(course):
    start = timezone.now()
    with freeze_time(start) as clock:
        registration_cancel(registration=person(0))
        clock.tick(timedelta(hours=49))
        assert offers_expire_due() == 1
        assert offers_expire_due() == 0
    assert emails_to("p2@kommune.example").count("offer_expired") == 1
    assert emails_to("p3@kommune.example") == ["waiting_list", "offered"]
    assert Registration.objects.filter(event=course, status="offered").count() == 1


def test_the_organiser_can_still_promote_an_offered_or_waiting_person(course, vive_moderator):
    registration_cancel(registration=person(0))
    # The offered seat is held: someone else on the list cannot take it...
    with pytest.raises(EventsError) as full:
        registration_promote(registration=person(3), by=vive_moderator)
    assert full.value.code == "no_seats"
    # ...but the offered person can be given it without waiting for their answer.
    promoted = registration_promote(registration=person(2), by=vive_moderator)
    assert promoted.status == "confirmed"
    assert emails_to("p2@kommune.example")[-1] == "promoted"
    assert Registration.objects.filter(event=course, status="confirmed").count() == 2


def test_automatic_promotion_stays_the_default(event_of, vive):
    event = event_of(vive, capacity=1)
    assert event.waiting_list_offer_hours is None
    first = sign_up(event).registration
    waiting = sign_up(event).registration
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert emails_to(waiting.email) == ["waiting_list", "promoted"]


def test_offers_switched_off_while_one_is_out_promote_on_expiry(course):
    start = timezone.now()
    with freeze_time(start) as clock:
        registration_cancel(registration=person(0))
        type(course).objects.filter(pk=course.pk).update(waiting_list_offer_hours=None)
        clock.tick(timedelta(hours=49))
        assert offers_expire() == 1
    assert person(3).status == "confirmed"
    assert emails_to("p3@kommune.example") == ["waiting_list", "promoted"]


def test_the_api_counts_an_offered_seat_as_taken(
    course, client, django_capture_on_commit_callbacks
):
    registration_cancel(registration=person(0))
    body = client.get(f"/api/v1/events/{course.pk}/").json()
    assert body["registration"] == {"state": "waiting_list", "seats_left": 0}
    listed = client.get("/api/v1/events/").json()["results"]
    assert [e["registration"]["seats_left"] for e in listed if e["id"] == course.pk] == [0]
    with django_capture_on_commit_callbacks(execute=True):  # the API's seats version moves
        for i in (2, 3, 4):
            offer_decline(registration=person(i))
    body = client.get(f"/api/v1/events/{course.pk}/").json()
    assert body["registration"] == {"state": "open", "seats_left": 1}


def test_the_waiting_list_email_tells_of_offers_when_the_event_makes_them(course, event_of, vive):
    waiting = OutboundEmail.objects.get(to="p2@kommune.example", kind="waiting_list")
    assert "får du et tilbud om pladsen på e-mail" in waiting.body_text
    assert "48 timer" in waiting.body_text and "automatisk" not in waiting.body_text
    plain = event_of(vive, capacity=0)
    outcome = sign_up(plain, email="plain@kommune.example")
    assert outcome.status == "waiting_list"
    told = OutboundEmail.objects.get(to="plain@kommune.example", kind="waiting_list")
    assert "rykker du automatisk op" in told.body_text


def test_a_person_erasing_their_data_passes_their_offer_on(course):
    from events.retention.services import registrant_erase

    registration_cancel(registration=person(0))
    registrant_erase(email="p2@kommune.example")
    assert person(3).status == "offered"
    assert (
        Registration.objects.filter(event=course, status__in=["confirmed", "offered"]).count() == 2
    )


def test_a_claim_on_a_cancelled_event_is_refused(course):
    registration_cancel(registration=person(0))
    type(course).objects.filter(pk=course.pk).update(status="cancelled")
    with pytest.raises(EventsError) as refused:
        offer_claim(registration=person(2))
    assert refused.value.code == "event_cancelled"


def test_the_offered_person_hears_of_a_changed_time_without_a_calendar_file(course):
    from events.mail.event_notices import event_changes_notify

    registration_cancel(registration=person(0))
    session = course.sessions.get()
    # One confirmed, one offered, two waiting.
    assert event_changes_notify(event=course, sessions=[session]) == 4
    changed = OutboundEmail.objects.get(to="p2@kommune.example", kind="event_changed")
    assert not changed.ics


def test_a_decline_after_offers_were_switched_off_gives_the_seat_to_the_next(course):
    registration_cancel(registration=person(0))
    type(course).objects.filter(pk=course.pk).update(waiting_list_offer_hours=None)
    offer_decline(registration=person(2))
    assert person(3).status == "confirmed"
    assert emails_to("p3@kommune.example") == ["waiting_list", "promoted"]


def test_the_registrants_api_view_shows_the_offer_and_its_deadline(course, client):
    registration_cancel(registration=person(0))
    offered = person(2)
    body = client.get(f"/api/v1/registrations/{offered.token}/").json()
    assert body["status"] == "offered" and body["waiting_position"] is None
    assert body["offer_expires_at"] == timezone.localtime(offered.offer_expires_at).isoformat()
    waiting = client.get(f"/api/v1/registrations/{person(3).token}/").json()
    assert (waiting["status"], waiting["offer_expires_at"]) == ("waiting_list", None)
