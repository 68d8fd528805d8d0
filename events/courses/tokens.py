"""The check-in code each confirmation carries: who a QR code names, unguessably.

A token is ``r<registration id>`` or ``m<member id>`` signed with the site's secret (HMAC-SHA256
through Django's signer, its own salt): nothing is stored, nothing can be guessed or altered,
and a rotated ``SECRET_KEY`` keeps old codes working through ``SECRET_KEY_FALLBACKS``. The token
names the person only to the server; the page it opens shows them to the organiser's
moderators alone (``events.courses.scan_views``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from events.models import GroupMember, Registration

_SIGNER = signing.Signer(salt="events.courses.checkin", algorithm="sha256")
MAX_TOKEN_LENGTH = 120


@dataclass(frozen=True)
class Person:
    """One person at the door: a registration, or one named member of a staff group."""

    registration: Registration
    member: GroupMember | None = None

    @property
    def key(self) -> str:
        return f"m{self.member.pk}" if self.member else f"r{self.registration.pk}"

    @property
    def name(self) -> str:
        return (self.member.name if self.member else self.registration.name) or ""


def checkin_token(*, registration: Registration, member: GroupMember | None = None) -> str:
    return _SIGNER.sign(f"m{member.pk}" if member else f"r{registration.pk}")


def checkin_url(*, registration: Registration, member: GroupMember | None = None) -> str:
    """Absolute: it goes out in emails, as a QR code and a link."""
    token = checkin_token(registration=registration, member=member)
    return settings.BASE_URL + reverse("checkin_scan:scan", args=[token])


def checkin_qr_url(*, registration: Registration, member: GroupMember | None = None) -> str:
    token = checkin_token(registration=registration, member=member)
    return settings.BASE_URL + reverse("checkin_scan:qr", args=[token])


def person_key(token: str) -> str | None:
    """The signed value (``r12``, ``m5``), or None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    if len(value) < 2 or value[0] not in "rm" or not value[1:].isascii():
        return None
    if not value[1:].isdigit():
        return None
    return value


def person_for_key(key: str) -> Person | None:
    """The person a key (``r12``, ``m5``) names, or None."""
    if len(key) < 2 or key[0] not in "rm" or not (key[1:].isascii() and key[1:].isdigit()):
        return None
    pk = int(key[1:])
    if pk > 2**63 - 1:
        return None
    if key[0] == "m":
        member = (
            GroupMember.objects.select_related("registration__event", "registration__municipality")
            .filter(pk=pk)
            .first()
        )
        return Person(member.registration, member) if member else None
    registration = (
        Registration.objects.select_related("event", "municipality").filter(pk=pk).first()
    )
    return Person(registration) if registration else None
