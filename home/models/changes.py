"""The log of published changes: the API's version, its change feed and tombstones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentChange(models.Model):
    """One published change to what leaves the admin: the API's version and its tombstones.

    Written in the same transaction as the change itself. The highest id is the content's
    version (ETags and server-side caches hang on it); rows for unpublished or deleted objects
    are the tombstones a mirroring site needs.
    """

    wagtail_reference_index_ignore = True  # not content: no reference-index writes

    class Action(models.TextChoices):
        PUBLISHED = "published", _("Udgivet")
        UNPUBLISHED = "unpublished", _("Afpubliceret")
        DELETED = "deleted", _("Slettet")
        MOVED = "moved", _("Flyttet")
        CHANGED = "changed", _("Ændret")

    object_type = models.CharField(_("type"), max_length=30)
    object_id = models.BigIntegerField(_("id"))
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("indholdsændring")
        verbose_name_plural = _("indholdsændringer")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.action}"
