"""Webhooks to consuming sites: signed per Standard Webhooks, retried, stopped on 410, once each.

A real HTTP receiver on 127.0.0.1 answers as each test scripts it; signatures are checked with
the specification's own library (``standardwebhooks``), as a consuming site would.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook
from wagtail.models import PageViewRestriction

from api.models import WebhookDelivery, WebhookEndpoint, WebhookKind, WebhookStatus
from api.webhooks import tasks
from api.webhooks.tasks import (
    WEBHOOK_BACKOFF_CAP,
    WEBHOOK_MAX_ATTEMPTS,
    webhook_deliver,
    webhooks_sweep,
)
from events.models import EventIndexPage, EventPage, EventStatus
from home.models import ContentChange, KnowledgePage
from home.outbox import outbox_backoff
from tests.events.conftest import build_event
from tests.markers import needs_postgres
from tests.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(centre, receiver):
    return WebhookEndpoint.objects.create(name="VIVE's websted", url=receiver.url + "/hooks")


def verified(endpoint: WebhookEndpoint, request) -> dict:
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_published_event_reaches_the_receiver_signed_so_the_spec_library_accepts_it(
    endpoint, receiver, vive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = build_event(vive)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.method == "POST" and request.path == "/hooks"
    payload = verified(endpoint, request)
    assert payload["type"] == "event.published"
    assert payload["data"] == {
        "id": event.pk,
        "object": "event",
        "api_url": f"{settings.BASE_URL}/api/v1/events/{event.pk}/",
    }
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == delivery.message_id
    assert delivery.message_id.startswith("msg_")
    assert delivery.status == WebhookStatus.SENT
    assert delivery.response_status == 200
    assert delivery.response_body == "svar 200"
    assert delivery.duration_ms is not None


def test_a_tampered_body_or_another_secret_fails_verification(
    endpoint, receiver, vive, django_capture_on_commit_callbacks
):
    from standardwebhooks.webhooks import WebhookVerificationError

    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    request = receiver.received[0]
    tampered = request.body.replace(b"event.published", b"event.cancelled")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(tampered, request.headers)
    other = WebhookEndpoint(name="x", url="https://x.example")  # a fresh random secret
    with pytest.raises(WebhookVerificationError):
        Webhook(other.secret).verify(request.body, request.headers)


def test_republishing_is_changed_and_publishing_it_cancelled_is_cancelled(endpoint, vive):
    event = build_event(vive)
    event.save_revision().publish()
    event.status = EventStatus.CANCELLED
    event.status_reason = "For få tilmeldte."
    event.save_revision().publish()
    kinds = list(WebhookDelivery.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["event.published", "event.changed", "event.cancelled"]


def test_retried_on_500_then_delivered_once_with_the_same_message_id(
    endpoint, receiver, vive, django_capture_on_commit_callbacks
):
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at > timezone.now()
    assert webhooks_sweep() == 0  # not due yet

    make_due(delivery)
    assert webhooks_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SENT
    assert delivery.attempts == 2
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.message_id
    assert verified(endpoint, second)["type"] == "event.published"
    assert webhooks_sweep() == 0
    assert len(receiver.received) == 2


def test_retried_on_a_timeout_then_delivered(
    endpoint, receiver, vive, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "WEBHOOK_TIMEOUT", (2, 0.3))
    receiver.answer((200, 1.0))  # answers after the client has given up
    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.PENDING
    assert "Timeout" in delivery.last_error
    assert delivery.response_status is None

    make_due(delivery)
    assert webhook_deliver(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SENT
    assert delivery.attempts == 2


def test_a_connection_refused_is_retried(centre, vive, django_capture_on_commit_callbacks):
    dead = Receiver()
    url = dead.url  # bound, then closed: nothing listens there any more
    dead.server.server_close()
    WebhookEndpoint.objects.create(name="Nede", url=url)
    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.PENDING
    assert "ConnectionError" in delivery.last_error


def test_a_failed_delivery_logs_no_credential_of_the_receivers_url(
    centre, vive, caplog, django_capture_on_commit_callbacks
):
    dead = Receiver()
    url = dead.url.replace("http://", "http://hook:pw-in-url@") + "?token=tok-in-url"
    dead.server.server_close()
    WebhookEndpoint.objects.create(name="Nede", url=url)
    with caplog.at_level("WARNING", logger="api.webhooks.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            build_event(vive)
    assert "failed" in caplog.text
    assert "pw-in-url" not in caplog.text and "tok-in-url" not in caplog.text


def test_the_retries_span_up_to_three_days_then_the_delivery_fails(endpoint, receiver, vive):
    waits = [outbox_backoff(n, cap=WEBHOOK_BACKOFF_CAP) for n in range(1, WEBHOOK_MAX_ATTEMPTS)]
    assert timedelta(days=2) < sum(waits, timedelta()) <= timedelta(days=3)

    build_event(vive)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=WEBHOOK_MAX_ATTEMPTS - 1)
    receiver.answer(503)
    assert webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.FAILED
    assert delivery.attempts == WEBHOOK_MAX_ATTEMPTS
    assert webhooks_sweep() == 0


def test_410_disables_the_endpoint_and_cancels_what_it_had_waiting(endpoint, receiver, vive):
    build_event(vive)
    build_event(vive)
    first, second = WebhookDelivery.objects.order_by("pk")
    receiver.answer(410)
    assert webhook_deliver(first.pk) == "disabled"

    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert "410" in endpoint.disabled_reason
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WebhookStatus.FAILED
    assert second.status == WebhookStatus.CANCELLED
    assert webhook_deliver(second.pk) == "skipped"
    build_event(vive)
    assert WebhookDelivery.objects.count() == 2  # a disabled endpoint gets nothing new
    assert len(receiver.received) == 1


def test_a_delivery_runs_once_however_often_its_task_runs(endpoint, receiver, vive):
    build_event(vive)
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery.pk) == "sent"
    assert webhook_deliver(delivery.pk) == "skipped"
    assert webhooks_sweep() == 0
    assert len(receiver.received) == 1


def test_one_delivery_per_endpoint_per_change(endpoint, vive):
    build_event(vive)
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            endpoint=endpoint, change=delivery.change, kind=delivery.kind, payload={}
        )


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_for_one_delivery_post_it_once(endpoint, receiver, vive, monkeypatch):
    monkeypatch.setattr("home.outbox.async_task", lambda *args, **kwargs: None)  # no broker
    build_event(vive)  # autocommit: the delivery is committed, visible to both threads
    delivery = WebhookDelivery.objects.get()
    receiver.answer((200, 0.5))  # slow receiver: the second worker arrives mid-POST
    results = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(webhook_deliver(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["sent", "skipped"]
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SENT and delivery.attempts == 1


def test_unpublish_and_delete_deliver_tombstones(endpoint, knowledge):
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    WebhookDelivery.objects.all().delete()
    page.unpublish()
    page_id = page.pk
    KnowledgePage.objects.get(pk=page_id).delete()
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.kind for d in deliveries] == ["knowledge.unpublished", "knowledge.deleted"]
    assert all(d.payload["data"]["id"] == page_id for d in deliveries)
    assert deliveries[-1].payload["data"]["object"] == "knowledge"


def test_deleting_a_live_event_tells_of_unpublish_and_deletion(endpoint, vive):
    event = build_event(vive)
    WebhookDelivery.objects.all().delete()
    EventPage.objects.get(pk=event.pk).delete()
    kinds = list(WebhookDelivery.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["event.unpublished", "event.deleted"]


def test_drafts_never_trigger(endpoint, vive, django_capture_on_commit_callbacks, receiver):
    with django_capture_on_commit_callbacks(execute=True):
        event = build_event(vive, publish=False)
        event.title = "Stadig en kladde"
        event.save_revision()
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_republishing_a_private_event_sends_nothing(
    endpoint, vive, django_capture_on_commit_callbacks, receiver
):
    event = build_event(vive)
    folder = EventIndexPage.objects.get(partner=vive)
    PageViewRestriction.objects.create(page=folder, restriction_type="login")
    WebhookDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Kun for indbudte"
        event.save_revision().publish()
        cancelled = EventPage.objects.get(pk=event.pk)
        cancelled.status = EventStatus.CANCELLED
        cancelled.save_revision().publish()
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_making_a_folder_private_sends_unpublished_once(endpoint, vive):
    event = build_event(vive)
    WebhookDelivery.objects.all().delete()
    folder = EventIndexPage.objects.get(partner=vive)
    PageViewRestriction.objects.create(page=folder, restriction_type="login")
    event.save_revision().publish()
    kinds = list(
        WebhookDelivery.objects.filter(payload__data__id=event.pk).values_list("kind", flat=True)
    )
    assert kinds == ["event.unpublished"]


def test_an_endpoint_gets_only_the_kinds_it_subscribes_to(centre, receiver, vive):
    cancellations = WebhookEndpoint.objects.create(
        name="Kun aflysninger", url=receiver.url, kinds=[WebhookKind.EVENT_CANCELLED]
    )
    WebhookEndpoint.objects.create(name="Slukket", url=receiver.url, active=False)
    event = build_event(vive)
    assert not WebhookDelivery.objects.exists()
    event.status = EventStatus.CANCELLED
    event.save_revision().publish()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.kind) == (cancellations, "event.cancelled")
    assert delivery.change == ContentChange.objects.latest("id")


def test_a_delivery_for_an_endpoint_switched_off_later_is_cancelled(endpoint, receiver, vive):
    build_event(vive)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery.pk) == "cancelled"
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.CANCELLED
    assert receiver.received == []


def test_new_endpoints_get_a_standard_webhooks_secret(centre):
    a = WebhookEndpoint.objects.create(name="a", url="https://a.example/hook")
    b = WebhookEndpoint.objects.create(name="b", url="https://b.example/hook")
    assert a.secret.startswith("whsec_") and a.secret != b.secret
    Webhook(a.secret)  # the library accepts it
    assert set(a.kinds) == set(WebhookKind.values)


# --- the admin --------------------------------------------------------------------------------


def test_coordinator_adds_an_endpoint_in_the_admin(client, coordinator, vive):
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoints:add"),
        {
            "name": "VIVE.dk",
            "url": "https://www.vive.dk/webhooks/videnscenter",
            "partner": vive.pk,
            "kinds": ["event.published", "event.cancelled"],
            "active": "on",
            "secret": "whsec_" + "QUJD" * 8,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.kinds == ["event.published", "event.cancelled"]
    assert endpoint.partner == vive


def test_an_unknown_kind_is_refused_in_danish(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoints:add"),
        {
            "name": "x",
            "url": "https://x.example",
            "kinds": ["event.exploded"],
            "secret": "whsec_QUJD",
        },
    )
    assert response.status_code == 200
    assert (
        "event.exploded er ikke en af de tilgængelige valgmuligheder" in response.content.decode()
    )
    assert not WebhookEndpoint.objects.exists()


def test_a_partner_sees_its_own_endpoints_only_and_cannot_add(client, vive_editor, vive, bv):
    WebhookEndpoint.objects.create(name="VIVE-modtager", url="https://vive.example/h", partner=vive)
    WebhookEndpoint.objects.create(name="BV-modtager", url="https://bv.example/h", partner=bv)
    client.force_login(vive_editor)
    content = client.get(reverse("webhook_endpoints:index")).content.decode()
    assert "VIVE-modtager" in content and "BV-modtager" not in content
    assert client.get(reverse("webhook_endpoints:add")).status_code in (302, 403)


def test_delivery_log_filters_and_resend(
    client, coordinator, endpoint, receiver, vive, django_capture_on_commit_callbacks
):
    build_event(vive, title="Første")
    build_event(vive, title="Andet")
    failed, pending = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status=WebhookStatus.FAILED, attempts=WEBHOOK_MAX_ATTEMPTS, last_error="HTTP 500"
    )
    client.force_login(coordinator)
    index = reverse("webhook_deliveries:index")
    listing = client.get(index, {"status": "failed"})
    assert listing.status_code == 200
    assert listing.context["object_list"].count() == 1
    assert "Send igen" in listing.content.decode()
    assert (
        client.get(index, {"endpoint": endpoint.pk, "kind": "event.published"})
        .context["object_list"]
        .count()
        == 2
    )

    resend = reverse("webhook_deliveries:resend", args=[failed.pk])
    assert client.get(resend).status_code == 200
    # Only a failed (or cancelled) delivery can be sent again: Wagtail's "no permission" redirect.
    refused = client.post(reverse("webhook_deliveries:resend", args=[pending.pk]))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    pending.refresh_from_db()
    assert pending.status == WebhookStatus.PENDING and pending.attempts == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302
    failed.refresh_from_db()
    assert failed.status == WebhookStatus.SENT
    assert failed.attempts == 1
    assert json.loads(receiver.received[0].body)["data"]["id"] == failed.payload["data"]["id"]


def test_a_partner_editor_cannot_resend(client, vive_editor, vive, receiver):
    endpoint = WebhookEndpoint.objects.create(name="V", url=receiver.url, partner=vive)
    build_event(vive)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookStatus.FAILED)
    client.force_login(vive_editor)
    assert client.get(reverse("webhook_deliveries:index")).context["object_list"].count() == 1
    response = client.post(reverse("webhook_deliveries:resend", args=[delivery.pk]))
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.FAILED


def test_every_subscribed_receiver_gets_its_own_signed_delivery(
    centre, vive, django_capture_on_commit_callbacks
):
    receivers = [Receiver().start() for _ in range(3)]
    try:
        endpoints = [
            WebhookEndpoint.objects.create(name=f"Site {n}", url=r.url)
            for n, r in enumerate(receivers)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            build_event(vive)
        for endpoint, receiver in zip(endpoints, receivers, strict=True):
            assert len(receiver.received) == 1
            assert verified(endpoint, receiver.received[0])["type"] == "event.published"
        ids = {r.received[0].headers["webhook-id"] for r in receivers}
        assert len(ids) == 3  # one message per receiver
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookStatus.SENT}
    finally:
        for receiver in receivers:
            receiver.stop()


def test_switching_a_disabled_endpoint_on_again_clears_the_reason(client, coordinator, centre):
    endpoint = WebhookEndpoint.objects.create(
        name="Genopstået",
        url="https://genopstaaet.example/hook",
        active=False,
        disabled_reason="Modtageren svarede 410 Gone og er slået fra.",
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoints:edit", args=[endpoint.pk]),
        {
            "name": endpoint.name,
            "url": endpoint.url,
            "kinds": ["event.published"],
            "active": "on",
            "secret": endpoint.secret,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint.refresh_from_db()
    assert endpoint.active is True and endpoint.disabled_reason == ""
