"""A webhook POST in flight holds its receiver's row so deliveries to it go one at a time
(api/webhooks/tasks.py), but nothing else waits for it: a publish that adds a delivery for the
same receiver, and with it every change after it in the change log (home/signal_handlers.py
serialises those), goes through at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.tasks import webhook_deliver
from home.models import Topic
from tests.events.conftest import build_event
from tests.markers import needs_postgres
from tests.receiver import Receiver

POST_SECONDS = 3.0


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_do_not_wait_for_a_webhook_post_in_flight(centre, vive, receiver, monkeypatch):
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kwargs: None)  # no broker
    WebhookEndpoint.objects.create(name="Langsom modtager", url=receiver.url + "/hooks")
    build_event(vive, title="Først")  # committed, with its delivery
    delivery = WebhookDelivery.objects.get()
    receiver.answer((200, POST_SECONDS))
    results: list[str] = []

    def worker() -> None:
        try:
            results.append(webhook_deliver(delivery.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.received, "the POST never started"
        started = time.monotonic()
        build_event(vive, title="Imens")  # a publish with a delivery for the same receiver
        topic = Topic.objects.create(name="Emne", slug="emne")
        topic.name = "Emne 2"
        topic.save()
        took = time.monotonic() - started
    finally:
        thread.join(POST_SECONDS + 10)
    assert results == ["sent"]
    assert took < POST_SECONDS / 2, f"the changes waited {took:.1f} s for the POST"
    assert WebhookDelivery.objects.count() == 2
