"""A message to 1,000 registrants on PostgreSQL (threads, each its own connection): the same
form sent by two requests at once is one message, and the delivery tasks run twice at once
(two worker clusters, a retry racing the original) send each person one email."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from events.courses.messages import message_copies, message_send
from events.mail.tasks import email_deliver
from events.models import EmailKind, EventMessage, OutboundEmail
from home.demo import vocabulary_seed
from home.outbox import DeliveryStatus
from tests.events.messaging import many_registrations
from tests.events.test_registration_concurrency import in_own_connection
from tests.markers import needs_postgres


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_1000_registrants_one_email_each_with_sends_and_deliveries_at_once(
    centre, event_of, vive, monkeypatch
):
    # The delivery tasks are run below, twice, by hand: none runs on commit.
    enqueued: list[int] = []
    monkeypatch.setattr(
        "events.courses.messages.enqueue_on_commit", lambda task, pk: enqueued.append(pk)
    )
    vocabulary_seed()
    event = event_of(vive, title="Stort webinar", capacity=None)
    many_registrations(event, 1000)
    key = uuid.uuid4()

    def send(_: int):
        return message_send(
            event=event,
            session=None,
            audience="confirmed",
            subject="Nyt om {arrangement}",
            body="Kære {navn}",
            attach_calendar=True,
            key=key,
            by=None,
        ).created

    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(in_own_connection(send), range(4)))
    assert sum(created) == 1
    assert len(enqueued) == 1000
    message = EventMessage.objects.get()
    ids = (
        list(OutboundEmail.objects.filter(kind=EmailKind.MESSAGE).values_list("pk", flat=True)) * 2
    )  # every task twice

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(in_own_connection(email_deliver), ids))

    assert outcomes.count("sent") == 1000
    assert len(mail.outbox) == 1000
    assert len({m.to[0] for m in mail.outbox}) == 1000
    assert message_copies(message).filter(status=DeliveryStatus.SENT).count() == 1000
