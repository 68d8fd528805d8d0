"""How often one address may make the centre write to a manager: staff-group applications.

An application mails the manager address the applicant typed. So that the form cannot be used
to send the centre's email to any address at volume, each day (Copenhagen time) an address
may be named as the manager of at most ``MANAGER_REQUESTS_PER_DAY`` new applications, and one
applicant may file at most ``APPLICATIONS_PER_APPLICANT_PER_DAY`` (cancelling and applying
again counts again). The counts are rows in the database (``ApplicationQuota``), locked while
they are read and raised, so every web process sees the same count and none overshoots.

A repeated application (same applicant, same event) creates nothing and mails no manager, so
it raises no count; it is refused by the same check as a new one, so the answer never tells
whether the address had applied before.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.errors import EventsError
from events.models import ApplicationQuota

MANAGER_REQUESTS_PER_DAY = 5
APPLICATIONS_PER_APPLICANT_PER_DAY = 10

MESSAGES = {
    "manager_email": _(
        "Lederens e-mail: adressen har fået så mange anmodninger om forankring i dag, som der "
        "kan sendes. Prøv igen i morgen, eller kontakt arrangøren."
    ),
    "email": _(
        "E-mail: der er indsendt så mange ansøgninger fra denne adresse i dag, som der kan "
        "modtages. Prøv igen i morgen, eller kontakt arrangøren."
    ),
}


class ApplicationLimitReached(EventsError):
    """An address has had its share for today: 429, naming the field of that address."""

    def __init__(self, field: str):
        self.code = "application_limit"
        self.http_status = 429
        self.message = MESSAGES[field]
        self.field = field
        Exception.__init__(self, str(self.message))


def _key(kind: str, address: str) -> str:
    return hashlib.sha256(f"{kind}:{address.strip().lower()}".encode()).hexdigest()


def _locked_counts(keys: list[str], day: date) -> dict[str, ApplicationQuota]:
    """The day's rows for ``keys``, created if missing, locked in key order (so two
    applications naming each other's addresses cannot deadlock)."""
    for key in keys:
        _, created = ApplicationQuota.objects.get_or_create(key=key, day=day)
        if created:
            ApplicationQuota.objects.filter(day__lt=day - timedelta(days=1)).delete()
    rows = ApplicationQuota.objects.select_for_update().filter(key__in=keys, day=day)
    return {row.key: row for row in rows.order_by("key")}


def application_limits_take(
    *, applicant_email: str, manager_email: str, new: bool, now: datetime | None = None
) -> None:
    """Refuse the application if either address has had its share today; count it if it is
    ``new`` (it will mail the manager). Call inside the application's transaction: the counts
    rise only if the application is saved."""
    day = timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()
    limits = {
        _key("applicant", applicant_email): ("email", APPLICATIONS_PER_APPLICANT_PER_DAY),
        _key("manager", manager_email): ("manager_email", MANAGER_REQUESTS_PER_DAY),
    }
    rows = _locked_counts(sorted(limits), day)
    for key, (field, limit) in limits.items():
        if rows[key].count >= limit:
            raise ApplicationLimitReached(field)
    if new:
        for row in rows.values():
            row.count += 1
            row.save(update_fields=["count"])
