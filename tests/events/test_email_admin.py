"""The email log in the admin: each partner sees its own emails; moderators resend failed ones."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from events.emails import EmailContext
from events.models import EmailKind, OutboundEmail
from events.notifications import email_write
from home.outbox import DeliveryStatus


@pytest.fixture
def emails(event_of, vive, bv):
    vive_event = event_of(vive, title="VIVE-webinar")
    bv_event = event_of(bv, title="Børns Vilkårs workshop")
    written = {}
    for key, event, to in (
        ("vive", vive_event, "vive-deltager@kommune.dk"),
        ("bv", bv_event, "bv-deltager@kommune.dk"),
    ):
        written[key] = email_write(
            kind=EmailKind.CONFIRMATION,
            to=to,
            dedupe_key=f"confirmation:{key}",
            context=EmailContext(kind=EmailKind.CONFIRMATION, event=event),
        )
    OutboundEmail.objects.filter(pk=written["vive"].pk).update(
        status=DeliveryStatus.FAILED, last_error="SMTPServerDisconnected"
    )
    return written


def test_a_partner_sees_only_its_own_emails(client, vive_editor, emails):
    client.force_login(vive_editor)
    response = client.get(reverse("outbound_emails:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "vive-deltager@kommune.dk" in content
    assert "bv-deltager@kommune.dk" not in content

    inspect = reverse("outbound_emails:inspect", args=[emails["bv"].pk])
    assert client.get(inspect).status_code in (302, 403, 404)


def test_coordinator_sees_every_partners_emails(client, coordinator, emails):
    client.force_login(coordinator)
    content = client.get(reverse("outbound_emails:index")).content.decode()
    assert "vive-deltager@kommune.dk" in content and "bv-deltager@kommune.dk" in content


def test_editor_cannot_resend_but_moderator_can(
    client, vive_editor, vive_moderator, emails, django_capture_on_commit_callbacks
):
    url = reverse("outbound_emails:resend", args=[emails["vive"].pk])
    client.force_login(vive_editor)
    assert client.post(url).status_code == 404

    client.force_login(vive_moderator)
    listing = client.get(reverse("outbound_emails:index")).content.decode()
    assert url in listing  # the "Send igen" button
    assert "Send e-mailen" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    emails["vive"].refresh_from_db()
    assert emails["vive"].status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["vive-deltager@kommune.dk"]]


def test_another_partners_moderator_cannot_resend(client, bv_moderator, emails):
    client.force_login(bv_moderator)
    url = reverse("outbound_emails:resend", args=[emails["vive"].pk])
    assert client.post(url).status_code == 404
    assert OutboundEmail.objects.get(pk=emails["vive"].pk).status == DeliveryStatus.FAILED


def test_emails_cannot_be_added_edited_or_deleted(client, coordinator, emails):
    client.force_login(coordinator)
    pk = emails["vive"].pk
    for url in (
        reverse("outbound_emails:add"),
        reverse("outbound_emails:edit", args=[pk]),
        reverse("outbound_emails:delete", args=[pk]),
    ):
        response = client.post(url, {"to": "angriber@example.com"})
        assert response.status_code in (302, 403), url
    assert OutboundEmail.objects.get(pk=pk).to == "vive-deltager@kommune.dk"
