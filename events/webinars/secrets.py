"""Secrets of webinar accounts, encrypted at rest with Fernet.

The keys are ``WEBINAR_SECRETS_KEYS``: Fernet keys (32 url-safe base64-encoded bytes each),
comma-separated; the first encrypts, every one decrypts (``MultiFernet``), so a key is rotated
by putting a new one first, running ``manage.py webinar_secrets_rotate`` (re-encrypts every
stored secret with the first key) and then dropping the old one. Without keys, one is derived
from ``SECRET_KEY``. A malformed key is a system check error (``webinars.E001``) and stops the
production settings, instead of a 500 on the first save.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks


class SecretUnreadable(Exception):
    """A stored secret that none of the current keys can decrypt (the key was changed)."""


def secret_keys() -> list[str]:
    keys = getattr(settings, "WEBINAR_SECRETS_KEYS", None) or []
    if isinstance(keys, str):
        keys = keys.split(",")
    keys = [str(k).strip() for k in keys if str(k).strip()]
    if not keys:
        digest = hashlib.sha256(b"webinar-secrets:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return keys


def secret_keys_problems(keys: Iterable[str]) -> list[int]:
    """The positions (from 1) of the keys that are not Fernet keys; never the keys."""
    bad = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            bad.append(position)
    return bad


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in secret_keys()])


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "the stored secret cannot be decrypted with the current keys"
        ) from exc


def secret_rotate(token: str) -> str:
    """The stored secret encrypted again with the first key."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("the stored secret cannot be decrypted") from exc


@checks.register(checks.Tags.security)
def check_secret_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    bad = secret_keys_problems(secret_keys())
    if not bad:
        return []
    return [
        checks.Error(
            f"WEBINAR_SECRETS_KEYS: key number {', '.join(map(str, bad))} is not a Fernet key "
            "(32 url-safe base64-encoded bytes).",
            hint='python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"',
            id="webinars.E001",
        )
    ]
