"""Secrets of webinar accounts, encrypted at rest with Fernet.

The key is ``WEBINAR_SECRETS_KEY`` (a Fernet key: 32 url-safe base64-encoded bytes) or, when
that is empty, one derived from ``SECRET_KEY``. Rotating the key makes the stored secrets
unreadable: set the accounts' secrets again (``manage.py webinar_account``).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that the current key cannot decrypt (the key was changed)."""


def _fernet() -> Fernet:
    key = getattr(settings, "WEBINAR_SECRETS_KEY", "") or ""
    if not key:
        digest = hashlib.sha256(b"webinar-secrets:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "the stored secret cannot be decrypted with the current key"
        ) from exc
