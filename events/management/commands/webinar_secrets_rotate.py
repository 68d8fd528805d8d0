"""Encrypt every webinar account's stored secrets again with the first of
``WEBINAR_SECRETS_KEYS``, after a new key was put first; then the old key can be dropped.

    manage.py webinar_secrets_rotate

Run it twice: the same effect. Nothing printed names a secret.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.models import WebinarAccount
from events.webinars.secrets import SecretUnreadable, secret_rotate


class Command(BaseCommand):
    help = "Re-encrypt the webinar accounts' secrets with the first WEBINAR_SECRETS_KEYS key."

    def handle(self, *args, **options) -> None:
        done = 0
        with transaction.atomic():
            for account in WebinarAccount.objects.select_for_update().order_by("pk"):
                try:
                    account.client_secret_encrypted = secret_rotate(account.client_secret_encrypted)
                    account.webhook_secret_encrypted = secret_rotate(
                        account.webhook_secret_encrypted
                    )
                except SecretUnreadable:
                    raise CommandError(
                        f"The secrets of account {account.pk} ({account}) cannot be read with "
                        "any of the keys; nothing was changed. Set them again."
                    ) from None
                account.save(update_fields=["client_secret_encrypted", "webhook_secret_encrypted"])
                done += 1
        self.stdout.write(f"Re-encrypted the secrets of {done} account(s).")
