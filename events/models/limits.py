"""Daily counts bounding what one address can make the centre send.

The rule that takes them is ``events.registrations.limits``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationQuota(models.Model):
    """How many staff-group applications one address made, or was sent to as the manager, on
    one day. ``key`` is a SHA-256 of the kind and the address, not the address: the count has
    to outlive the applications it counts (a person may erase their data and apply again),
    and it keeps no personal data. Rows older than yesterday are deleted as new ones come."""

    key = models.CharField(max_length=64)
    day = models.DateField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("dagskvote for ansøgninger")
        verbose_name_plural = _("dagskvoter for ansøgninger")
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="events_application_quota_day")
        ]
