"""The named participants of a staff group's application (``Registration.members``).

``Registration.participants`` stays the number of seats the group applies for; a member is one
of the people who take them, named at sign-up or later by the applicant on their own page. Each
member has a link of their own (``token``): the event, their calendar file, and withdrawing
themselves. Written by ``events.registrations.members`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models.registrations import new_token


class GroupMember(models.Model):
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("ansøgning"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    needs = models.TextField(
        _("hensyn og tilgængelighed"),
        blank=True,
        help_text=_("Slettes dagen efter arrangementet."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("deltager i medarbejdergruppe")
        verbose_name_plural = _("deltagere i medarbejdergruppe")
        ordering = ["registration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "email"], name="events_one_member_per_email"
            )
        ]
        indexes = [models.Index(fields=["email"], name="events_member_email")]

    def __str__(self) -> str:
        return self.name or str(_("(anonymiseret)"))

    def page_url(self) -> str:
        """The member's own page (absolute: it goes out in emails)."""
        return settings.BASE_URL + reverse("registration:member", args=[self.token])
