"""Course certificates (kursusbevis): one per person who met an event's completion rule.

What the certificate says is copied when it is issued (name, course, partners, the sessions
attended), so the PDF and the public verification page (``/bevis/<code>/``) still answer after
the event is edited or deleted. Two secrets, for two audiences: ``token`` is the person's own
link (their PDF), never shown to anyone else; ``code`` is printed on the certificate and
confirms it to anyone who has it. Retention blanks the name and replaces the token; the code,
course and dates stay verifiable. Written by ``events.courses.certificates`` only.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code read aloud or typed from paper comes out right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_certificate_token() -> str:
    return secrets.token_urlsafe(32)


class CompletionRule(models.TextChoices):
    NONE = "", _("Intet kursusbevis")
    AT_LEAST = "at_least", _("Deltaget i mindst et antal sessioner")
    ALL = "all", _("Deltaget i alle sessioner")


class Certificate(models.Model):
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("tilmelding"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    member = models.ForeignKey(
        "events.GroupMember",
        verbose_name=_("deltager i medarbejdergruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    code = models.CharField(
        _("kontrolkode"), max_length=20, unique=True, default=new_certificate_code
    )
    token = models.CharField(max_length=64, unique=True, default=new_certificate_token)
    name = models.CharField(_("navn"), max_length=200, blank=True)
    course_title = models.CharField(_("forløb"), max_length=255)
    partners = models.CharField(_("arrangør"), max_length=500)
    # [{"title": ..., "start": ISO, "end": ISO, "all_day": bool}], in time order.
    sessions = models.JSONField(_("sessioner"), default=list)
    issued_at = models.DateTimeField(_("udstedt"))
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("kursusbevis")
        verbose_name_plural = _("kursusbeviser")
        ordering = ["event", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "registration"],
                condition=Q(member__isnull=True),
                name="events_one_certificate_per_registration",
            ),
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(member__isnull=False),
                name="events_one_certificate_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.course_title}"
