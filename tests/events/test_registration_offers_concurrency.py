"""Offers under real concurrency on PostgreSQL (threads, each its own connection): many
cancellations at once offer each freed seat once, and claims racing the expiry never give a
seat twice nor leave one both claimed and passed on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from events.errors import EventsError
from events.models import OutboundEmail, Registration
from events.registrations.offers import offer_claim, offers_expire
from events.registrations.services import registration_cancel
from home.demo import vocabulary_seed
from tests.events.registrations import sign_up
from tests.events.test_registration_concurrency import WORKERS, in_own_connection
from tests.markers import needs_postgres


def held(event) -> int:
    return Registration.objects.filter(event=event, status__in=["confirmed", "offered"]).count()


def kinds(registration: Registration) -> list[str]:
    return list(
        OutboundEmail.objects.filter(registration_id=registration.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_cancellations_and_claims_racing_the_expiry_never_overbook(
    centre, event_of, vive
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so it would prove nothing")
    vocabulary_seed()
    event = event_of(vive, capacity=10, waiting_list_offer_hours=48)
    for i in range(30):
        sign_up(event, email=f"o{i:02d}@kommune.example")
    confirmed = list(Registration.objects.filter(event=event, status="confirmed").order_by("pk"))
    waiting = list(Registration.objects.filter(event=event, status="waiting_list").order_by("pk"))
    assert len(confirmed) == 10 and len(waiting) == 20

    # Eight cancellations at once: each freed seat is offered once, to the next in line.
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                in_own_connection(lambda r: registration_cancel(registration=r)), confirmed[:8]
            )
        )
    offered = list(Registration.objects.filter(event=event, status="offered").order_by("pk"))
    assert [r.pk for r in offered] == [r.pk for r in waiting[:8]]
    assert held(event) == 10
    rest = Registration.objects.filter(event=event, status="waiting_list")
    assert sorted(rest.values_list("waiting_position", flat=True)) == list(range(1, 13))
    assert all(kinds(r) == ["waiting_list", "offered"] for r in offered)

    # Each offered person claims a second before their deadline while three workers expire
    # the offers a second after the last deadline: whoever takes the event's lock first wins.
    late = max(r.offer_expires_at for r in offered) + timedelta(seconds=1)

    def claim(registration: Registration) -> str:
        try:
            offer_claim(
                registration=registration,
                now=registration.offer_expires_at - timedelta(seconds=1),
            )
        except EventsError as error:
            return error.code
        return "claimed"

    def expire(_: int) -> int:
        return offers_expire(now=late)

    with ThreadPoolExecutor(WORKERS) as pool:
        claims = [pool.submit(in_own_connection(claim), r) for r in offered]
        expiries = [pool.submit(in_own_connection(expire), n) for n in range(3)]
        claimed = [f.result() for f in claims]
        expired = sum(f.result() for f in expiries)

    assert set(claimed) <= {"claimed", "offer_not_open"}
    assert claimed.count("claimed") + expired == 8
    for registration, outcome in zip(offered, claimed, strict=True):
        registration.refresh_from_db()
        if outcome == "claimed":
            assert registration.status == "confirmed"
            assert kinds(registration) == ["waiting_list", "offered", "confirmation"]
        else:
            assert (registration.status, registration.cancel_reason) == (
                "cancelled",
                "offer_expired",
            )
            assert kinds(registration) == ["waiting_list", "offered", "offer_expired"]
    # Every expired offer passed on once: seats held stay exactly at capacity.
    assert held(event) == 10
    new_offers = Registration.objects.filter(event=event, status="offered")
    assert new_offers.count() == expired
    assert all(r.offer_expires_at > late for r in new_offers)
    assert all(kinds(r).count("offered") == 1 for r in new_offers)
    assert sorted(rest.values_list("waiting_position", flat=True)) == list(range(1, 13 - expired))
    assert offers_expire(now=late) == 0
