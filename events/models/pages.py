"""Events, their sessions, and the folders editors author them in."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from events.blocks import EventBodyBlock
from events.forms import SKIP_SCHEDULE_CHECKS, EventPageAdminForm
from events.models import event_panels
from events.models.certificates import CompletionRule
from events.models.choices import EventFormat, EventStatus, EventType, Participation
from events.models.sessions import LOCATION_FIELDS, EventSession, location_text
from events.models.webinars import MeetingKind
from home.models import LinkedDocument, PartnerAreaMixin, SectionIndexPage
from home.preview import ApiPreviewMixin


class EventIndexPage(SectionIndexPage):
    """The events section, and inside it one folder per partner."""

    parent_page_types = ["home.HomePage", "events.EventIndexPage"]
    subpage_types = ["events.EventIndexPage", "events.EventPage"]

    section_key = "events"
    section_slug = "arrangementer"
    section_title = "Arrangementer"
    section_order = 10

    class Meta(SectionIndexPage.Meta):
        verbose_name = _("arrangementsoversigt")
        verbose_name_plural = _("arrangementsoversigter")


# --- Choices ----------------------------------------------------------------------------------


# Hours before a session's start at which registrants are reminded, unless the event says otherwise.
DEFAULT_REMINDER_HOURS = {
    EventType.CONFERENCE: (168, 24),
    EventType.ADVISORY_COURSE: (168, 24),
    EventType.COMPETENCE_COURSE: (168, 24),
    EventType.WEBINAR: (24, 1),
    EventType.WORKSHOP: (24,),
    EventType.NETWORK_MEETING: (24,),
}


# --- Event ------------------------------------------------------------------------------------


class EventPage(ApiPreviewMixin, PartnerAreaMixin, Page):
    event_type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    co_organisers = ParentalManyToManyField(
        "home.Partner",
        verbose_name=_("medarrangører"),
        blank=True,
        related_name="+",
        help_text=_("Vises som medarrangører; giver ingen redigeringsrettigheder."),
    )
    teaser = models.TextField(
        _("teaser"), help_text=_("Kort introduktion til oversigter og kalendere.")
    )
    body = StreamField(EventBodyBlock(), verbose_name=_("indhold"), blank=True)
    topics = ParentalManyToManyField(
        "home.Topic", verbose_name=_("emner"), blank=True, related_name="+"
    )
    audiences = ParentalManyToManyField(
        "home.Audience", verbose_name=_("målgrupper"), blank=True, related_name="+"
    )
    participation = models.CharField(
        _("deltagelse"),
        max_length=20,
        choices=Participation.choices,
        default=Participation.INDIVIDUAL,
        help_text=_("Forløb for en medarbejdergruppe kræver ledelsesmæssig forankring."),
    )

    format = models.CharField(
        _("form"), max_length=20, choices=EventFormat.choices, default=EventFormat.PHYSICAL
    )
    venue_name = models.CharField(_("sted"), max_length=200, blank=True)
    venue_address = models.CharField(_("adresse"), max_length=200, blank=True)
    venue_postcode = models.CharField(_("postnummer"), max_length=10, blank=True)
    venue_city = models.CharField(_("by"), max_length=100, blank=True)
    venue_municipality = models.ForeignKey(
        "home.Municipality",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Kommunen, hvor arrangementet holdes."),
    )
    platform_name = models.CharField(
        _("platform"), max_length=100, blank=True, help_text=_("Fx Teams eller Zoom.")
    )
    webinar_platform = models.CharField(
        _("møde oprettes på"),
        max_length=20,
        choices=MeetingKind.choices,
        default=MeetingKind.NONE,
        blank=True,
        help_text=_(
            "Opretter mødet på platformen for hver session, når arrangementet udgives, og "
            "retter eller aflyser det, når tid, titel eller status ændres. Kræver, at "
            "partneren har en konto på platformen."
        ),
    )
    join_url = models.URLField(
        _("deltagerlink"),
        max_length=500,
        blank=True,
        help_text=_(
            "Privat: sendes kun til bekræftede tilmeldte og vises aldrig offentligt eller i API'et."
        ),
    )

    capacity = models.PositiveIntegerField(
        _("antal pladser"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("Antal pladser kan ikke være negativt."))],
        help_text=_("Tom: ubegrænset."),
    )
    waiting_list_enabled = models.BooleanField(_("venteliste"), default=True)
    waiting_list_offer_hours = models.PositiveIntegerField(
        _("tilbud fra ventelisten (timer)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=_("Tilbud fra ventelisten: mindst 1 time.")),
            MaxValueValidator(24 * 30, message=_("Tilbud fra ventelisten: højst 720 timer.")),
        ],
        help_text=_(
            "Tom: en ledig plads går automatisk til den første på ventelisten. Ellers får den "
            "første et tilbud om pladsen med et link og skal tage den inden for så mange timer "
            "(fx 48), ellers går tilbuddet videre. Fristen ligger aldrig efter arrangementets "
            "start eller tilmeldingsfristen."
        ),
    )
    registration_opens = models.DateTimeField(_("tilmelding åbner"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("tilmeldingsfrist"), null=True, blank=True)
    price_text = models.CharField(_("pris"), max_length=100, default="Gratis")
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=30, blank=True)

    reminder_hours = models.CharField(
        _("påmindelser"),
        max_length=100,
        blank=True,
        help_text=_(
            "Timer før hver session, kommasepareret, fx “168, 24”. "
            "Tom: standarden for arrangementstypen."
        ),
    )
    join_link_hours = models.PositiveIntegerField(
        _("deltagerlink sendes"),
        default=24,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "Timer før første session. Tilmeldte, der bekræftes senere, får linket straks."
        ),
    )

    attendance_share = models.PositiveSmallIntegerField(
        _("fremmøde ved andel af sessionen (%)"),
        default=50,
        validators=[
            MinValueValidator(1, message=_("Fremmøde: mindst 1 %.")),
            MaxValueValidator(100, message=_("Fremmøde: højst 100 %.")),
        ],
        help_text=_(
            "Webinarer på Zoom eller Teams: en deltager regnes som til stede, når vedkommende "
            "var med i mindst så stor en del af sessionen (platformens deltagerrapport)."
        ),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    status_reason = models.TextField(
        _("begrundelse for status"),
        blank=True,
        help_text=_("Vises for deltagerne, når arrangementet er udsat, aflyst eller flyttet."),
    )

    recording_url = models.URLField(_("optagelse"), max_length=500, blank=True)
    related_knowledge = ParentalManyToManyField(
        "home.KnowledgePage",
        verbose_name=_("relateret viden"),
        blank=True,
        related_name="events",
    )
    evaluation_url = models.URLField(
        _("eksternt evalueringslink"),
        max_length=500,
        blank=True,
        help_text=_(
            "Et spørgeskema et andet sted. Bruges i stedet for standardevalueringen, når "
            "arrangementet ikke har egne evalueringsspørgsmål."
        ),
    )
    evaluation_enabled = models.BooleanField(
        _("evaluér arrangementet"),
        default=True,
        help_text=_(
            "Efter sidste session inviteres deltagerne (de fremmødte, eller de bekræftede "
            "tilmeldte, hvis fremmøde ikke registreres) på e-mail til at svare anonymt."
        ),
    )
    evaluation_reminder_days = models.PositiveSmallIntegerField(
        _("påmindelse efter antal dage"),
        null=True,
        blank=True,
        default=5,
        validators=[
            MinValueValidator(1, message=_("Påmindelse efter antal dage: mindst 1.")),
            MaxValueValidator(60, message=_("Påmindelse efter antal dage: højst 60.")),
        ],
        help_text=_("Én påmindelse til dem, der ikke har svaret. Tom: ingen påmindelse."),
    )
    completion_rule = models.CharField(
        _("kursusbevis"),
        max_length=10,
        choices=CompletionRule.choices,
        default=CompletionRule.NONE,
        blank=True,
        help_text=_(
            "Deltagere, der opfylder kravet, får et kursusbevis på e-mail, når sidste session "
            "er slut og fremmødet er registreret. Aflyste sessioner tæller ikke med."
        ),
    )
    completion_min_sessions = models.PositiveSmallIntegerField(
        _("mindst antal sessioner"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=_("Mindst antal sessioner: mindst 1."))],
        help_text=_("Er der aflyst sessioner, så der er færre tilbage, kræves dem alle."),
    )

    # Kept from the sessions on every save, so lists filter and order without a join.
    first_start = models.DateTimeField(_("første start"), null=True, editable=False, db_index=True)
    last_end = models.DateTimeField(
        _("sidste afslutning"), null=True, editable=False, db_index=True
    )

    content_panels = event_panels.CONTENT_PANELS
    practical_panels = event_panels.PRACTICAL_PANELS
    registration_panels = event_panels.REGISTRATION_PANELS
    material_panels = event_panels.MATERIAL_PANELS
    evaluation_panels = event_panels.EVALUATION_PANELS
    edit_handler = event_panels.EDIT_HANDLER

    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.SearchField("venue_city"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("event_type"),
        index.FilterField("format"),
        index.FilterField("status"),
        index.FilterField("partner"),
        index.FilterField("first_start"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    # For Wagtail's own API v2, which is not mounted (the REST API in api/ is the contract);
    # bench/api.py mounts it to compare. Never the join URL.

    base_form_class = EventPageAdminForm
    template = "events/event_page.html"
    preview_modes = [*ApiPreviewMixin.preview_modes, ("widget", _("Widget"))]

    class Meta:
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangementer")

    # --- validation ---------------------------------------------------------------------------

    def clean(self):
        super().clean()
        # The admin form hands over the sessions as submitted (the in-memory relation still
        # holds the old ones while the form validates); otherwise use the relation.
        sessions = self.__dict__.pop("_submitted_sessions", None)
        if sessions is None:
            sessions = list(self.sessions.all())
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(ValidationError(message))

        if self.webinar_platform and not self.platform_name:
            # The platform's name follows the choice of where the meetings are made.
            self.platform_name = "Teams" if self.webinar_platform == MeetingKind.TEAMS else "Zoom"
        if self.format in (EventFormat.ONLINE, EventFormat.HYBRID) and not self.platform_name:
            add(
                "platform_name",
                _("Platform: angiv platformen for et online eller hybridt arrangement."),
            )
        if self.webinar_platform and self.format == EventFormat.PHYSICAL:
            add(
                "webinar_platform",
                _("Møde oprettes på: kun for et online eller hybridt arrangement."),
            )
        if self.format in (EventFormat.PHYSICAL, EventFormat.HYBRID):
            if not self.venue_name:
                add("venue_name", _("Sted: angiv stedet for et fysisk eller hybridt arrangement."))
            if not self.venue_city:
                add("venue_city", _("By: angiv byen for et fysisk eller hybridt arrangement."))
        try:
            self.reminder_offsets()
        except ValueError:
            add(
                "reminder_hours",
                _("Påmindelser: skriv hele timer mellem 1 og 1440 adskilt af komma, fx “168, 24”."),
            )
        if self.participation == Participation.STAFF_GROUP and self.capacity is None:
            add(
                "capacity",
                _("Antal pladser: angiv antal pladser for et forløb for en medarbejdergruppe."),
            )
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes < self.registration_opens
        ):
            add(
                "registration_closes", _("Tilmeldingsfrist: fristen ligger før tilmeldingen åbner.")
            )
        if self.completion_rule == CompletionRule.AT_LEAST and not self.completion_min_sessions:
            add(
                "completion_min_sessions",
                _("Mindst antal sessioner: angiv, hvor mange sessioner der kræves."),
            )
        if sessions == SKIP_SCHEDULE_CHECKS:
            pass
        elif not sessions:
            add(NON_FIELD_ERRORS, _("Sessioner: et arrangement skal have mindst én session."))
        else:
            if self.completion_min_sessions and self.completion_min_sessions > len(sessions):
                add(
                    "completion_min_sessions",
                    _("Mindst antal sessioner: arrangementet har kun %(count)s sessioner.")
                    % {"count": len(sessions)},
                )
            ends = [end for s in sessions if (end := s.ends_at()) is not None]
            if ends and self.registration_closes and self.registration_closes > max(ends):
                add(
                    "registration_closes",
                    _("Tilmeldingsfrist: fristen ligger efter, at sidste session er slut."),
                )
        if errors:
            raise ValidationError(errors)

    # --- denormalised schedule ----------------------------------------------------------------

    def schedule_bounds(self) -> tuple[datetime | None, datetime | None]:
        starts, ends = [], []
        for session in self.sessions.all():
            if (start := session.starts_at()) is not None:
                starts.append(start)
            if (end := session.ends_at()) is not None:
                ends.append(end)
        return (min(starts) if starts else None, max(ends) if ends else None)

    def save(self, *args, **kwargs):
        # Only a full save writes the sessions; a partial one (save_revision on a live page
        # writes its bookkeeping fields) must keep the live schedule.
        if kwargs.get("update_fields") is None:
            self.first_start, self.last_end = self.schedule_bounds()
        return super().save(*args, **kwargs)

    def reminder_offsets(self) -> list[int]:
        """Hours before each session at which registrants are reminded, largest first.

        Raises ValueError on anything but whole hours from 1 to 1440.
        """
        if not self.reminder_hours.strip():
            return list(DEFAULT_REMINDER_HOURS.get(self.event_type, (24,)))
        hours = sorted({int(part) for part in self.reminder_hours.split(",") if part.strip()})
        if not hours or not all(1 <= h <= 24 * 60 for h in hours):
            raise ValueError(self.reminder_hours)
        return hours[::-1]

    def location_text(self) -> str:
        return location_text(**{name: getattr(self, name) for name in LOCATION_FIELDS})

    # --- revisions: keep session identity and publish bookkeeping ----------------------------

    def with_content_json(self, content):
        """Restore a revision, keeping each session's identity and last-published state.

        A session's uuid is fixed once its row exists, and its ``sequence`` and
        ``calendar_fingerprint`` describe what was last published: both belong to the live rows,
        not to whichever revision is being restored (which may predate the last publish).
        """
        obj = super().with_content_json(content)
        rows = list(
            EventSession.objects.filter(event_id=self.pk).only(
                "pk", "uuid", "sequence", "calendar_fingerprint"
            )
        )
        by_pk = {row.pk: row for row in rows}
        by_uuid = {row.uuid: row for row in rows}
        for session in obj.sessions.all():
            row = by_pk.get(session.pk) or by_uuid.get(session.uuid)
            if row is not None:
                session.pk = row.pk
                session.uuid = row.uuid
                session.sequence = row.sequence
                session.calendar_fingerprint = row.calendar_fingerprint
            else:
                session.sequence = 0
                session.calendar_fingerprint = ""
                if EventSession.objects.filter(uuid=session.uuid).exists():
                    session.uuid = uuid.uuid4()
        return obj

    def copy_all_child_relations(self, target, exclude=None):
        # A copied event is a new event: its sessions need identities of their own.
        child_object_map = super().copy_all_child_relations(target, exclude=exclude)
        for child in child_object_map.values():
            if isinstance(child, EventSession):
                child.uuid = uuid.uuid4()
                child.sequence = 0
                child.calendar_fingerprint = ""
        return child_object_map

    # --- preview ------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["event"] = self.api_representation(request)
        return context

    def serve_preview(self, request, mode_name):
        """The mode "Widget": the draft in the widget itself, as a partner's site will show it.
        The widget reads the event from the page (its ``preview`` attribute names the element)
        in the API's representation and asks the API for nothing: no third rendering."""
        if mode_name == "widget":
            response = render(
                request,
                "events/widget_preview.html",
                {"event": self.api_representation(request)},
            )
            response["Cache-Control"] = "private, no-store"
            return response
        return super().serve_preview(request, mode_name)


class EventPageSlide(LinkedDocument):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="slides")

    class Meta(LinkedDocument.Meta):
        verbose_name = _("slide eller dokument")
        verbose_name_plural = _("slides og dokumenter")
