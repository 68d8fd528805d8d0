"""Emails to professionals, as outbox rows (see home/outbox.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from home.outbox import DeliveryStatus, OutboxRow

EmailStatus = DeliveryStatus


class EmailKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Bekræftelse af tilmelding")
    WAITING_LIST = "waiting_list", _("Plads på venteliste")
    PROMOTED = "promoted", _("Rykket op fra venteliste")
    OFFERED = "offered", _("Tilbud om plads fra venteliste")
    OFFER_EXPIRED = "offer_expired", _("Tilbud om plads udløbet")
    PENDING = "pending", _("Ansøgning modtaget")
    MANAGER_REQUEST = "manager_request", _("Anmodning om ledelsens forankring")
    APPLICATION_APPROVED = "application_approved", _("Ansøgning godkendt")
    APPLICATION_DECLINED = "application_declined", _("Ansøgning afvist")
    MANAGER_DECLINED = "manager_declined", _("Ansøgning afvist af lederen")
    MANAGER_TOLD_APPROVED = "manager_told_approved", _("Besked til lederen: godkendt")
    MANAGER_TOLD_DECLINED = "manager_told_declined", _("Besked til lederen: ikke imødekommet")
    MEMBER_CONFIRMATION = "member_confirmation", _("Plads i medarbejdergruppen")
    MEMBER_CANCELLED = "member_cancelled", _("Afmeldt fra medarbejdergruppen")
    ALREADY_REGISTERED = "already_registered", _("Allerede tilmeldt")
    CANCELLED = "cancelled", _("Afmelding bekræftet")
    DETAILS_CHANGED = "details_changed", _("Oplysninger ændret")
    REMINDER = "reminder", _("Påmindelse")
    JOIN_LINK = "join_link", _("Deltagerlink")
    EVENT_CHANGED = "event_changed", _("Ændring af tid eller sted")
    EVENT_CANCELLED = "event_cancelled", _("Aflysning")
    FOLLOW_UP = "follow_up", _("Materiale efter arrangementet")
    CERTIFICATE = "certificate", _("Kursusbevis")
    MESSAGE = "message", _("Besked fra arrangøren")
    EVALUATION_INVITATION = "evaluation_invitation", _("Invitation til evaluering")
    EVALUATION_REMINDER = "evaluation_reminder", _("Påmindelse om evaluering")


class OutboundEmail(OutboxRow):
    """One email to one person, rendered when it was caused; delivered by ``email_deliver``.

    ``dedupe_key`` names the cause (``reminder:<registration>:<session>:<hours>:<start>``), so
    the same cause never yields a second email, whichever worker or retry gets there.
    """

    kind = models.CharField(_("type"), max_length=30, choices=EmailKind.choices)
    dedupe_key = models.CharField(_("nøgle"), max_length=255, unique=True)
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registration_id = models.BigIntegerField(_("tilmelding"), null=True, blank=True, db_index=True)
    to = models.EmailField(_("modtager"), max_length=254)
    subject = models.CharField(_("emne"), max_length=255)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("kalenderfil"), blank=True)
    ics_method = models.CharField(_("kalendermetode"), max_length=10, blank=True)
    # What the email will say, while it is not yet rendered (``events.mail.services``
    # ``registration_email_unwritten``): a sign-up saves its email this way while it holds the
    # event's lock, and renders it after the commit; a worker renders it if that never came.
    compose = models.JSONField(_("indhold, der endnu ikke er skrevet"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"
