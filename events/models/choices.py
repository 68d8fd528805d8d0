"""The choices an event and its sessions are described by."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    CONFERENCE = "conference", _("Konference")
    WEBINAR = "webinar", _("Webinar")
    ADVISORY_COURSE = "advisory_course", _("Rådgivningsforløb")
    COMPETENCE_COURSE = "competence_course", _("Kompetenceforløb")
    WORKSHOP = "workshop", _("Workshop")
    NETWORK_MEETING = "network_meeting", _("Netværksmøde")


class Participation(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuel")
    STAFF_GROUP = "staff_group", _("Medarbejdergruppe")


class EventFormat(models.TextChoices):
    PHYSICAL = "physical", _("Fysisk")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Planlagt")
    POSTPONED = "postponed", _("Udsat")
    CANCELLED = "cancelled", _("Aflyst")
    MOVED_ONLINE = "moved_online", _("Flyttet online")


class SessionStatus(models.TextChoices):
    INHERIT = "inherit", _("Som arrangementet")
    CANCELLED = "cancelled", _("Aflyst")
