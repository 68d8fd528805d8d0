"""Webhooks to consuming sites: their endpoints, and one outbox row per delivery."""

from __future__ import annotations

import base64
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from home.outbox import DeliveryStatus, OutboxRow

WebhookStatus = DeliveryStatus


class WebhookKind(models.TextChoices):
    """What happened to what: ``<object>.<action>``, as the payload's ``type`` says it."""

    EVENT_PUBLISHED = "event.published", _("Arrangement udgivet")
    EVENT_CHANGED = "event.changed", _("Arrangement ændret")
    EVENT_CANCELLED = "event.cancelled", _("Arrangement aflyst")
    EVENT_UNPUBLISHED = "event.unpublished", _("Arrangement afpubliceret")
    EVENT_DELETED = "event.deleted", _("Arrangement slettet")
    KNOWLEDGE_PUBLISHED = "knowledge.published", _("Viden udgivet")
    KNOWLEDGE_CHANGED = "knowledge.changed", _("Viden ændret")
    KNOWLEDGE_UNPUBLISHED = "knowledge.unpublished", _("Viden afpubliceret")
    KNOWLEDGE_DELETED = "knowledge.deleted", _("Viden slettet")
    PAGE_PUBLISHED = "page.published", _("Side udgivet")
    PAGE_CHANGED = "page.changed", _("Side ændret")
    PAGE_UNPUBLISHED = "page.unpublished", _("Side afpubliceret")
    PAGE_DELETED = "page.deleted", _("Side slettet")


def webhook_secret_generate() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def all_kinds() -> list[str]:
    return list(WebhookKind.values)


class WebhookEndpoint(models.Model):
    """A consuming site's receiver: where to POST, which kinds, and the secret to sign with."""

    name = models.CharField(_("navn"), max_length=200)
    url = models.URLField(
        _("adresse"),
        max_length=500,
        help_text=_("Modtagerens adresse (https). Den får en signeret POST ved hver hændelse."),
    )
    secret = models.CharField(
        _("hemmelighed"),
        max_length=100,
        default=webhook_secret_generate,
        help_text=_(
            "Bruges af modtageren til at kontrollere signaturen (Standard Webhooks, "
            "“whsec_…”). Giv den kun til modtagerens udviklere."
        ),
    )
    kinds = models.JSONField(
        _("hændelser"),
        default=all_kinds,
        blank=True,
        help_text=_("De hændelser, modtageren får besked om."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    disabled_reason = models.CharField(
        _("årsag til deaktivering"),
        max_length=300,
        blank=True,
        help_text=_("Udfyldes, når systemet selv slår modtageren fra (fx svaret 410 Gone)."),
    )
    partner = models.ForeignKey(
        "home.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_endpoints",
        help_text=_("Den partner, hvis websted modtager beskederne. Tom: kun koordinatorerne."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook-modtager")
        verbose_name_plural = _("webhook-modtagere")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, kind: str) -> bool:
        return kind in (self.kinds or [])


class WebhookDelivery(OutboxRow):
    """One signed POST of one change to one endpoint; ``message_id`` is the same on every try."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("modtager"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    change = models.ForeignKey(
        "home.ContentChange",
        verbose_name=_("indholdsændring"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message_id = models.CharField(
        _("besked-id"), max_length=40, unique=True, default=webhook_message_id
    )
    kind = models.CharField(_("hændelse"), max_length=40, choices=WebhookKind.choices)
    payload = models.JSONField(_("indhold"))
    response_status = models.PositiveSmallIntegerField(_("svarkode"), null=True, blank=True)
    response_body = models.TextField(_("svar (uddrag)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("varighed (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook-levering")
        verbose_name_plural = _("webhook-leveringer")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "change"], name="webhook_delivery_once_per_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.endpoint}"
