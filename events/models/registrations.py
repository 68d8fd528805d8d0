"""Registrations for events: individual sign-ups, waiting lists and staff-group applications.

Writes go through ``events.registrations.services`` (``registration_create`` and friends), which
lock the event row while they count seats; nothing else changes a registration's status.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The privacy text a registrant consents to; bump when its wording changes, so each consent
# records which text was shown. Consuming sites may send the version they showed.
PRIVACY_TEXT_VERSION = getattr(settings, "PRIVACY_TEXT_VERSION", "2026-01")


def new_token() -> str:
    return secrets.token_urlsafe(32)


_URL_SAFE = re.compile(r"[A-Za-z0-9_-]{16,}")


def token_path(name: str, token: str) -> str:
    """``reverse(name, args=[token])`` for a registration's own pages, whose one argument is a
    token (``new_token``: URL-safe as it is). ``reverse`` matched the URLconf anew every time, 30
    µs a link, three links in each email written under an event's lock; the path around the
    token is kept per name, language, URLconf and script prefix instead. A token that is not
    plainly URL-safe goes through ``reverse``, which quotes it."""
    if not _URL_SAFE.fullmatch(token):
        return reverse(name, args=[token])
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _token_path_around(name, get_language(), urlconf, get_script_prefix())
    return before + token + after


@lru_cache(maxsize=256)
def _token_path_around(name: str, language, urlconf, prefix: str) -> tuple[str, str]:
    marker = "TOKENxTOKENxTOKENx"  # URL-safe, and in no path of ours
    before, after = reverse(name, args=[marker]).split(marker, 1)
    return before, after


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Bekræftet")
    WAITING_LIST = "waiting_list", _("Venteliste")
    # Offered a freed seat from the waiting list, until ``offer_expires_at``: the seat is held.
    OFFERED = "offered", _("Tilbudt plads")
    PENDING = "pending", _("Afventer")
    CANCELLED = "cancelled", _("Annulleret")


# Statuses that hold a seat or may come to: one of these per (event, email) at most.
ACTIVE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING_LIST,
    RegistrationStatus.OFFERED,
    RegistrationStatus.PENDING,
)
# Statuses whose participants count against the event's capacity.
SEAT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


class RegistrationSource(models.TextChoices):
    API = "api", _("API (partnerens websted)")
    LINK = "link", _("Link")
    ADMIN = "admin", _("Administrationen")
    IMPORT = "import", _("Import")


class CancelReason(models.TextChoices):
    NONE = "", _("–")
    REGISTRANT = "registrant", _("Afmeldt af deltageren")
    ORGANISER = "organiser", _("Annulleret af arrangøren")
    DECLINED = "declined", _("Ansøgning afvist")
    MANAGER_DECLINED = "manager_declined", _("Afvist af lederen")
    ERASED = "erased", _("Data slettet på deltagerens ønske")
    OFFER_DECLINED = "offer_declined", _("Tilbud om plads afslået")
    OFFER_EXPIRED = "offer_expired", _("Tilbud udløbet")
    TRANSFERRED = "transferred", _("Overdraget til en kollega")


class Registration(models.Model):
    """One person's sign-up, or one staff group's application (``participants`` seats)."""

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    # The registrant, or for a staff group the contact person.
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    workplace = models.CharField(_("arbejdsplads"), max_length=200)
    municipality = models.ForeignKey(
        "home.Municipality",
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    job_role = models.ForeignKey(
        "home.Audience",
        verbose_name=_("stillingsgruppe"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    accessibility_needs = models.TextField(_("hensyn og tilgængelighed"), blank=True)
    consent_at = models.DateTimeField(_("samtykke givet"))
    privacy_version = models.CharField(_("version af privatlivsteksten"), max_length=40)

    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    waiting_position = models.PositiveIntegerField(
        _("nummer på ventelisten"), null=True, blank=True
    )
    offer_expires_at = models.DateTimeField(
        _("tilbuddet udløber"),
        null=True,
        blank=True,
        help_text=_("Fristen for at tage en tilbudt plads fra ventelisten."),
    )
    participants = models.PositiveIntegerField(
        _("deltagere"), default=1, validators=[MinValueValidator(1)]
    )
    # Known for confirmed registrants once the organiser has taken attendance; kept through
    # anonymisation, so the reach report can set attendance against registrations.
    attended = models.BooleanField(
        _("mødte op"),
        null=True,
        blank=True,
        help_text=_("Udfyldes efter arrangementet; tom, hvis fremmødet ikke er registreret."),
    )
    cancel_reason = models.CharField(
        _("årsag til annullering"), max_length=20, choices=CancelReason.choices, blank=True
    )

    # Staff-group applications.
    unit = models.CharField(_("enhed"), max_length=200, blank=True)
    manager_name = models.CharField(_("lederens navn"), max_length=200, blank=True)
    manager_email = models.EmailField(_("lederens e-mail"), max_length=254, blank=True)
    manager_confirmed_at = models.DateTimeField(_("ledelsen bekræftede"), null=True, blank=True)
    # The manager's own words when declining: they go to the applicant, never the other way.
    manager_decline_reason = models.TextField(
        _("lederens begrundelse for afvisning"), max_length=1000, blank=True
    )
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandlet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # A colleague sent in the registrant's place has a registration of their own, pointing to
    # the one it took over (cancelled "Overdraget til en kollega").
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("overdraget fra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    manager_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    source = models.CharField(
        _("kilde"), max_length=20, choices=RegistrationSource.choices, default="api"
    )
    client = models.CharField(
        _("klient"),
        max_length=200,
        blank=True,
        help_text=_("Fx det websted, tilmeldingen kom fra."),
    )

    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    confirmed_at = models.DateTimeField(_("bekræftet"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulleret"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True)

    # Not content: Wagtail's reference index ("where is this page used") would otherwise index
    # every sign-up's link to its event, a task per save.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("tilmelding")
        verbose_name_plural = _("tilmeldinger")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["confirmed", "waiting_list", "offered", "pending"]),
                name="events_one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=1), name="events_registration_participants_gte_1"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="events_reg_event_status"),
            models.Index(fields=["email"], name="events_reg_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('(anonymiseret)')} – {self.event_id}"

    def own_answers(self) -> list:
        """The answers to questions asked once per registration (not a member's), in order;
        from ``answers`` as prefetched."""
        return [answer for answer in self.answers.all() if answer.member_id is None]

    # --- the registrant's own links (absolute: they go out in emails) -----------------------

    def _absolute(self, name: str, token: str) -> str:
        return settings.BASE_URL + token_path(name, token)

    def manage_url(self) -> str:
        return self._absolute("registration:manage", self.token)

    def cancel_url(self) -> str:
        return self._absolute("registration:cancel", self.token)

    def manager_confirm_url(self) -> str:
        return self._absolute("registration:manager_confirm", self.manager_token)

    def members_url(self) -> str:
        return self._absolute("registration:members", self.token)

    def change_url(self) -> str:
        return self._absolute("registration:change", self.token)

    def transfer_url(self) -> str:
        return self._absolute("registration:transfer", self.token)

    def data_url(self) -> str:
        return self._absolute("registration:data", self.token)

    def mine_url(self) -> str:
        return self._absolute("registration:mine", self.token)

    def offer_url(self) -> str:
        return self._absolute("registration:offer", self.token)


class RegistrantFeedKey(models.Model):
    """A person's key to their personal calendar feed; rotating it revokes every old link."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    secret = models.CharField(max_length=64, default=new_token)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("nøgle til personlig kalender")
        verbose_name_plural = _("nøgler til personlige kalendere")


class IdempotentRequest(models.Model):
    """A sign-up's answer kept under its ``Idempotency-Key``, so a retry gets the same answer."""

    key = models.CharField(max_length=255)
    event = models.ForeignKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="events_idempotent_request_key")
        ]
