"""A moderator's message to an event's registrants (or one session's): what was written, to
whom, by whom. Each recipient's copy is an outbox email (``OutboundEmail``, kind "message")
whose ``dedupe_key`` names the message and the address, so a message reaches each person once
whatever is retried. Written by ``events.courses.messages`` only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SUBJECT_MAX = 150
BODY_MAX = 10_000


class MessageAudience(models.TextChoices):
    CONFIRMED = "confirmed", _("Bekræftede deltagere")
    WAITING = "waiting", _("Deltagere på ventelisten")
    ALL = "all", _("Alle tilmeldte")


class EventMessage(models.Model):
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # Written about one session (its calendar file then holds that session alone).
    session = models.ForeignKey(
        "events.EventSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience = models.CharField(_("modtagere"), max_length=10, choices=MessageAudience.choices)
    subject = models.CharField(_("emne"), max_length=SUBJECT_MAX)
    body = models.TextField(_("tekst"), max_length=BODY_MAX)
    attach_calendar = models.BooleanField(_("med kalenderfil"), default=False)
    # The compose form's own key: the same form sent twice (a double click, a retried POST)
    # is one message.
    key = models.UUIDField(_("formularens nøgle"), default=uuid.uuid4, unique=True)
    recipients = models.PositiveIntegerField(_("antal modtagere"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skrevet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("besked til deltagere")
        verbose_name_plural = _("beskeder til deltagere")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
