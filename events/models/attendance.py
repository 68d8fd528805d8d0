"""Attendance per session: whether each person was present, absent or excused.

A person is a registration, or for a staff group that names its participants, each named
member (``GroupMember``) instead: one row per session and person, never two (the constraints),
so recording the same thing twice (a tap sent again by a phone that lost its connection)
writes nothing new. Written by ``events.courses.services`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Til stede")
    ABSENT = "absent", _("Fraværende")
    EXCUSED = "excused", _("Meldt afbud")


class AttendanceSource(models.TextChoices):
    """Who said so: a person in the admin or at the door (never overwritten by the others),
    the platform's participant report after the session, or its live "joined" webhook."""

    MANUAL = "manual", _("Registreret manuelt")
    IMPORT = "import", _("Deltagerrapport")
    WEBHOOK = "webhook", _("Deltog (live)")


class SessionAttendance(models.Model):
    session = models.ForeignKey(
        "events.EventSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("tilmelding"),
        on_delete=models.CASCADE,
        related_name="session_attendance",
    )
    # A named participant of a staff group; empty for the registration itself.
    member = models.ForeignKey(
        "events.GroupMember",
        verbose_name=_("deltager i medarbejdergruppe"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="session_attendance",
    )
    status = models.CharField(_("fremmøde"), max_length=10, choices=AttendanceStatus.choices)
    source = models.CharField(
        _("kilde"),
        max_length=10,
        choices=AttendanceSource.choices,
        default=AttendanceSource.MANUAL,
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("fremmøde i en session")
        verbose_name_plural = _("fremmøde i sessioner")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"],
                condition=Q(member__isnull=True),
                name="events_one_attendance_per_registration",
            ),
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=Q(member__isnull=False),
                name="events_one_attendance_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.registration_id}/{self.member_id}: {self.status}"
