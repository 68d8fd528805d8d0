"""Webinar accounts: secrets encrypted at rest, readable with the key, never in str or repr."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from events.models import WebinarAccount, WebinarPlatform
from events.webinars.secrets import SecretUnreadable
from tests.events.webinars.conftest import ZOOM_SECRET, ZOOM_WEBHOOK_SECRET


def test_secrets_are_encrypted_at_rest(zoom_account):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret_encrypted, webhook_secret_encrypted"
            " FROM events_webinaraccount WHERE id = %s",
            [zoom_account.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert ZOOM_SECRET not in stored and ZOOM_WEBHOOK_SECRET not in stored
    fresh = WebinarAccount.objects.get(pk=zoom_account.pk)
    assert fresh.client_secret == ZOOM_SECRET
    assert fresh.webhook_secret == ZOOM_WEBHOOK_SECRET
    for text in (str(fresh), repr(fresh)):
        assert ZOOM_SECRET not in text and ZOOM_WEBHOOK_SECRET not in text


def test_secret_under_another_key_is_unreadable(zoom_account, settings):
    settings.WEBINAR_SECRETS_KEY = "aW52YWxpZC1rZXktaW52YWxpZC1rZXktaW52YWxpZDE="
    with pytest.raises(SecretUnreadable) as caught:
        _ = WebinarAccount.objects.get(pk=zoom_account.pk).client_secret
    assert ZOOM_SECRET not in str(caught.value)


def test_one_account_per_partner_and_platform(zoom_account, vive):
    with pytest.raises(IntegrityError):
        WebinarAccount.objects.create(
            partner=vive, platform=WebinarPlatform.ZOOM, client_id="other"
        )
