"""Webinar platforms: a partner's account on Zoom or Microsoft Teams, the meeting each online
session gets there, and the outbox of operations that create, update and delete it.

Secrets are stored encrypted (``events.webinars.secrets``) and reached only through
``WebinarAccount.client_secret`` / ``webhook_secret``; neither ``str`` nor ``repr`` of an account
shows them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.webinars.secrets import secret_decrypt, secret_encrypt
from home.outbox import DeliveryStatus, OutboxRow


class WebinarPlatform(models.TextChoices):
    ZOOM = "zoom", _("Zoom")
    TEAMS = "teams", _("Microsoft Teams")


class MeetingKind(models.TextChoices):
    """What an event asks the platform for; blank: no meeting (the editor pastes a link)."""

    NONE = "", _("Ingen (indsæt selv et deltagerlink)")
    ZOOM_MEETING = "zoom_meeting", _("Zoom-møde med tilmelding")
    ZOOM_WEBINAR = "zoom_webinar", _("Zoom-webinar med tilmelding")
    TEAMS = "teams", _("Teams-møde")

    @classmethod
    def platform_of(cls, kind: str) -> str:
        return WebinarPlatform.TEAMS if kind == cls.TEAMS else WebinarPlatform.ZOOM


class WebinarAccount(models.Model):
    """A partner's account on one platform (one per partner and platform).

    Zoom: a Server-to-Server OAuth app (account id, client id and secret, the webhook secret
    token). Teams: an Entra ID app with client credentials (tenant, client id and secret) and
    the organiser whose calendar holds the meetings.
    """

    partner = models.ForeignKey(
        "home.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="webinar_accounts",
    )
    platform = models.CharField(_("platform"), max_length=10, choices=WebinarPlatform.choices)
    account_id = models.CharField(
        _("Zoom account ID"), max_length=100, blank=True, help_text=_("Kun Zoom.")
    )
    tenant_id = models.CharField(
        _("tenant (Microsoft 365)"), max_length=100, blank=True, help_text=_("Kun Teams.")
    )
    client_id = models.CharField(_("client ID"), max_length=200)
    organizer = models.CharField(
        _("organisator"),
        max_length=200,
        blank=True,
        help_text=_("Kun Teams: bruger-ID (eller e-mail) på den, der ejer møderne."),
    )
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    webhook_secret_encrypted = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("webinarkonto")
        verbose_name_plural = _("webinarkonti")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "platform"], name="webinar_account_one_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} ({self.partner})"

    def __repr__(self) -> str:
        return f"<WebinarAccount {self.pk} {self.platform} partner={self.partner_id}>"

    @property
    def client_secret(self) -> str:
        return secret_decrypt(self.client_secret_encrypted)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = secret_encrypt(value)

    @property
    def webhook_secret(self) -> str:
        return secret_decrypt(self.webhook_secret_encrypted)

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_encrypted = secret_encrypt(value)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    @property
    def has_webhook_secret(self) -> bool:
        return bool(self.webhook_secret_encrypted)


class MeetingState(models.TextChoices):
    PENDING = "pending", _("Afventer")
    CREATED = "created", _("Oprettet")
    FAILED = "failed", _("Fejlet")
    CANCELLED = "cancelled", _("Aflyst")


class SessionMeeting(models.Model):
    """The platform's meeting of one session (at most one per session, whatever retries do).

    ``desired`` is what the meeting should say (topic, start, end, time zone) as of the last
    publish, ``desired_fingerprint`` its hash, and ``pushed_fingerprint`` the hash of what the
    platform last accepted: an update goes out only when the two differ. ``busy_until`` is a
    lease that lets one operation at a time talk to the platform about this meeting.
    A deleted session leaves its row (``session`` null) until the meeting is deleted there.
    """

    session = models.OneToOneField(
        "events.EventSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account = models.ForeignKey(
        WebinarAccount,
        verbose_name=_("konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    kind = models.CharField(_("type"), max_length=20, choices=MeetingKind.choices)
    external_id = models.CharField(_("mødets ID"), max_length=300, blank=True, db_index=True)
    # Private, like EventPage.join_url: never in the API, feeds or another partner's admin.
    join_url = models.URLField(_("deltagerlink"), max_length=2000, blank=True)
    state = models.CharField(
        _("tilstand"),
        max_length=10,
        choices=MeetingState.choices,
        default=MeetingState.PENDING,
        db_index=True,
    )
    last_error = models.TextField(_("seneste fejl"), blank=True)
    desired = models.JSONField(default=dict, blank=True)
    desired_fingerprint = models.CharField(max_length=64, blank=True)
    pushed_fingerprint = models.CharField(max_length=64, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("møde på webinarplatform")
        verbose_name_plural = _("møder på webinarplatforme")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id or '-'} ({self.get_state_display()})"

    def __repr__(self) -> str:
        return f"<SessionMeeting {self.pk} {self.kind} {self.state} session={self.session_id}>"


class MeetingAction(models.TextChoices):
    CREATE = "create", _("Opret")
    UPDATE = "update", _("Opdater")
    DELETE = "delete", _("Slet")


MeetingOperationStatus = DeliveryStatus


class MeetingOperation(OutboxRow):
    """One call to make to the platform about a meeting, as an outbox row.

    ``dedupe_key`` names the cause: ``meeting:<id>:create``, ``meeting:<id>:update:<fingerprint>``,
    ``meeting:<id>:delete``: a publish seen twice, or by two clusters, writes one row.
    """

    meeting = models.ForeignKey(SessionMeeting, on_delete=models.CASCADE, related_name="operations")
    action = models.CharField(_("handling"), max_length=10, choices=MeetingAction.choices)
    dedupe_key = models.CharField(_("nøgle"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("mødehandling")
        verbose_name_plural = _("mødehandlinger")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.get_status_display()})"
