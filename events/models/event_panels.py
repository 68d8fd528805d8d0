"""The event's page form in the admin: its tabs and panels, in the order editors fill them in.

Kept apart from the model (``events.models.pages``), which takes them as class attributes.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Page

from events.forms import SessionInlinePanel

CONTENT_PANELS = Page.content_panels + [
    FieldPanel("event_type"),
    FieldPanel("teaser"),
    FieldPanel("body"),
    MultiFieldPanel(
        [
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
            FieldPanel("co_organisers", widget=forms.CheckboxSelectMultiple),
        ],
        heading=_("Emner, målgrupper og medarrangører"),
    ),
]
PRACTICAL_PANELS = [
    # Each session is headed "Session 1", "Session 2" …, and added with "Tilføj session".
    SessionInlinePanel("sessions", label=_("session"), min_num=1, heading=_("Tidspunkter")),
    MultiFieldPanel(
        [
            FieldPanel("format"),
            FieldPanel("platform_name"),
            FieldPanel("webinar_platform"),
            FieldPanel("join_url"),
        ],
        # Not "Form": Wagtail's catalogue translates that word as "Formular".
        heading=_("Fysisk eller online"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("venue_name"),
            FieldPanel("venue_address"),
            FieldRowPanel([FieldPanel("venue_postcode"), FieldPanel("venue_city")]),
            FieldPanel("venue_municipality"),
        ],
        heading=_("Sted"),
    ),
    MultiFieldPanel(
        [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
        heading=_("Kontakt"),
    ),
    MultiFieldPanel([FieldPanel("status"), FieldPanel("status_reason")], heading=_("Status")),
]
REGISTRATION_PANELS = [
    FieldPanel("participation"),
    FieldRowPanel(
        [
            FieldPanel("capacity"),
            FieldPanel("waiting_list_enabled"),
            FieldPanel("waiting_list_offer_hours"),
        ]
    ),
    FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")]),
    FieldPanel("price_text"),
    MultiFieldPanel(
        [
            FieldPanel("reminder_hours"),
            FieldPanel("join_link_hours"),
            FieldPanel("attendance_share"),
        ],
        heading=_("Påmindelser og deltagerlink"),
    ),
    InlinePanel(
        "questions",
        label=_("spørgsmål"),
        heading=_("Spørgsmål ved tilmelding"),
        help_text=_(
            "Spørgsmål ud over de faste felter (navn, e-mail, arbejdsplads, kommune, "
            "stillingsgruppe, hensyn). Følsomme svar slettes dagen efter arrangementet."
        ),
    ),
]
MATERIAL_PANELS = [
    FieldPanel("recording_url"),
    InlinePanel("slides", label=_("slide eller dokument"), heading=_("Slides og dokumenter")),
    FieldPanel("related_knowledge", widget=forms.CheckboxSelectMultiple),
    FieldRowPanel(
        [FieldPanel("completion_rule"), FieldPanel("completion_min_sessions")],
        heading=_("Kursusbevis"),
    ),
]
EVALUATION_PANELS = [
    FieldRowPanel([FieldPanel("evaluation_enabled"), FieldPanel("evaluation_reminder_days")]),
    InlinePanel(
        "evaluation_questions",
        label=_("evalueringsspørgsmål"),
        heading=_("Evalueringsspørgsmål"),
        help_text=_("Tom: centrets standardevaluering bruges (eller det eksterne link herunder)."),
    ),
    FieldPanel("evaluation_url"),
]
EDIT_HANDLER = TabbedInterface(
    [
        ObjectList(CONTENT_PANELS, heading=_("Indhold")),
        ObjectList(PRACTICAL_PANELS, heading=_("Praktisk")),
        ObjectList(REGISTRATION_PANELS, heading=_("Tilmelding")),
        ObjectList(MATERIAL_PANELS, heading=_("Materiale")),
        ObjectList(EVALUATION_PANELS, heading=_("Evaluering")),
        ObjectList(Page.promote_panels, heading=_("Promovering")),
        ObjectList(Page.settings_panels, heading=_("Indstillinger")),
    ]
)
