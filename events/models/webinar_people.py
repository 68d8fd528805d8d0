"""People on the platforms: each person registered with a session's Zoom meeting (their own join
link), and the imports of a meeting's attendance and recording once the session is over.

Both are outbox rows (``home.outbox``): written in the transaction that causes them, done by a
worker after the commit, exactly once through retries, killed workers and two clusters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.webinars import SessionMeeting
from home.outbox import OutboxRow


class MeetingRegistrant(OutboxRow):
    """One person registered (or to be registered, or cancelled) with one meeting.

    ``person`` is ``r<registration id>`` for the registrant, ``m<member id>`` for a staff
    group's named participant; ``dedupe_key`` (``registrant:<meeting>:<person>``) makes one row
    per person and meeting, whatever retries do. ``wanted`` and ``email`` say what should be on
    the platform; ``registrant_id``, ``registered_email`` and ``registered_meeting`` what is
    (the meeting's id when the person was added: a meeting made again needs them again).
    ``version`` counts changes of the wish, so a worker that ran on an older wish goes again.

    The join link is personal data and a secret: never in the API, feeds or another partner's
    admin, and erased with the registration (``events.retention``).
    """

    meeting = models.ForeignKey(
        SessionMeeting, on_delete=models.CASCADE, related_name="registrants"
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("tilmelding"),
        on_delete=models.CASCADE,
        related_name="meeting_registrants",
    )
    member = models.ForeignKey(
        "events.GroupMember",
        verbose_name=_("deltager i medarbejdergruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_registrants",
    )
    person = models.CharField(max_length=20)
    dedupe_key = models.CharField(_("nøgle"), max_length=255, unique=True)
    wanted = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    registrant_id = models.CharField(max_length=200, blank=True)
    registered_email = models.EmailField(max_length=254, blank=True)
    registered_meeting = models.CharField(max_length=300, blank=True)
    join_url = models.URLField(_("personligt deltagerlink"), max_length=2000, blank=True)
    joined_at = models.DateTimeField(_("personligt link klar"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tilmeldt på webinarplatform")
        verbose_name_plural = _("tilmeldte på webinarplatforme")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting_id} ({self.get_status_display()})"

    def __repr__(self) -> str:
        # Never the address or the link.
        return f"<MeetingRegistrant {self.pk} {self.person} meeting={self.meeting_id}>"


class ImportKind(models.TextChoices):
    ATTENDANCE = "attendance", _("Fremmøde")
    RECORDING = "recording", _("Optagelse")


class MeetingImport(OutboxRow):
    """Fetching a meeting's participants report or its cloud recording once the session is
    over: one row per meeting and kind (``dedupe_key`` ``import:<meeting>:<kind>``), due a few
    minutes after the session's end; ``result`` keeps what was found (counts, the recording's
    share link) for the moderators' notice."""

    meeting = models.ForeignKey(SessionMeeting, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("type"), max_length=12, choices=ImportKind.choices)
    dedupe_key = models.CharField(_("nøgle"), max_length=255, unique=True)
    result = models.JSONField(default=dict, blank=True)
    # The recording's proposal: dismissed by a moderator, or taken (published).
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import fra webinarplatform")
        verbose_name_plural = _("importer fra webinarplatforme")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
