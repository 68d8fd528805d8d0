"""Webinar accounts: secrets encrypted at rest, readable with the key, never in str or repr."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, connection

from events.models import WebinarAccount, WebinarPlatform
from events.webinars.secrets import SecretUnreadable, check_secret_keys
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
    settings.WEBINAR_SECRETS_KEYS = ["aW52YWxpZC1rZXktaW52YWxpZC1rZXktaW52YWxpZDE="]
    with pytest.raises(SecretUnreadable) as caught:
        _ = WebinarAccount.objects.get(pk=zoom_account.pk).client_secret
    assert ZOOM_SECRET not in str(caught.value)


def test_one_account_per_partner_and_platform(zoom_account, vive):
    with pytest.raises(IntegrityError):
        WebinarAccount.objects.create(
            partner=vive, platform=WebinarPlatform.ZOOM, client_id="other"
        )


def test_keys_rotate_the_first_encrypts_every_one_decrypts(zoom_account, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.WEBINAR_SECRETS_KEYS = [old_key]
    account = WebinarAccount.objects.get(pk=zoom_account.pk)
    account.client_secret = ZOOM_SECRET
    account.webhook_secret = ""
    account.save()
    settings.WEBINAR_SECRETS_KEYS = [new_key, old_key]
    assert WebinarAccount.objects.get(pk=account.pk).client_secret == ZOOM_SECRET
    out = StringIO()
    call_command("webinar_secrets_rotate", stdout=out)
    assert "1 account" in out.getvalue() and ZOOM_SECRET not in out.getvalue()
    settings.WEBINAR_SECRETS_KEYS = [new_key]  # the old key dropped
    rotated = WebinarAccount.objects.get(pk=account.pk)
    assert rotated.client_secret == ZOOM_SECRET
    assert rotated.webhook_secret == ""  # none stored: stays none
    assert Fernet(new_key.encode()).decrypt(rotated.client_secret_encrypted.encode())


def test_a_malformed_key_is_a_system_check_error_and_stops_production(settings):
    settings.WEBINAR_SECRETS_KEYS = [Fernet.generate_key().decode(), "not-a-key-Zq7"]
    [error] = check_secret_keys()
    assert error.id == "webinars.E001" and "key number 2" in error.msg
    assert "not-a-key-Zq7" not in error.msg
    settings.WEBINAR_SECRETS_KEYS = [Fernet.generate_key().decode()]
    assert check_secret_keys() == []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "production-secret-key-for-the-test-only-0123456789",
        "WEBINAR_SECRETS_KEYS": "not-a-key-Zq7",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "WEBINAR_SECRETS_KEYS: key number 1 is not a Fernet key" in run.stderr
    assert "not-a-key-Zq7" not in run.stderr
