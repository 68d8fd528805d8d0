"""The centre's shared vocabulary: partners, topics, audiences, regions and municipalities."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Collection
from wagtail.search import index

# The centre's own Danish events page (``api/widget/pages.py``, routed in ``cms/urls.py``): where
# an event's link lands when its partner has no page of its own hosting the widget.
HOSTED_EVENT_PATH = "/arrangementer/{id}/"


def hosted_event_url_template() -> str:
    """The hosted page as an ``event_url_template``: what ``setup_centre`` gives a partner that
    has none, and where links go while a partner's template is empty."""
    return settings.BASE_URL + HOSTED_EVENT_PATH


def validate_event_url_template(value: str) -> None:
    if not value.startswith(("https://", "http://")) or not ("{id}" in value or "{slug}" in value):
        raise ValidationError(
            _("Adresse for arrangementer: skriv en webadresse med {id} eller {slug}.")
        )
    try:
        value.format(id=1, slug="x")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("Adresse for arrangementer: kun {id} og {slug} kan indsættes.")
        ) from exc


HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2.1 AA for normal text: the widget writes in the colour on white, and white on it.
MIN_CONTRAST_ON_WHITE = 4.5


def contrast_on_white(colour: str) -> float:
    """WCAG 2.1's contrast ratio of a ``#rrggbb`` colour against white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def validate_partner_colour(value: str) -> None:
    if not HEX_COLOUR.fullmatch(value):
        raise ValidationError(_("Farve: skriv den som #rrggbb, fx #1f3d7a."))
    ratio = contrast_on_white(value)
    if ratio < MIN_CONTRAST_ON_WHITE:
        raise ValidationError(
            _(
                "Farve: for lys til tekst på hvid baggrund (kontrast %(ratio)s:1; "
                "der kræves mindst 4,5:1). Vælg en mørkere nuance."
            ),
            params={"ratio": f"{ratio:.1f}".replace(".", ",")},
        )


class Partner(index.Indexed, models.Model):
    """One of the three organisations that run the centre, with its editorial area."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kort navn"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    website = models.URLField(_("websted"), blank=True)
    event_url_template = models.CharField(
        _("adresse for arrangementer"),
        max_length=300,
        blank=True,
        validators=[validate_event_url_template],
        help_text=_(
            "Hvor partnerens eget websted viser et arrangement, med {id} eller {slug}, fx "
            "“https://www.vive.dk/arrangementer/{slug}/”. Bruges i kalendere og e-mails."
        ),
    )
    contact_email = models.EmailField(
        _("kontaktadresse"),
        blank=True,
        help_text=_(
            "Partnerens adresse for spørgsmål om arrangementer. Står som arrangør i "
            "kalenderinvitationerne til de tilmeldte. Tom: videnscentrets fælles adresse."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Partnerens logo, som de forbrugende sites viser."),
    )
    colour = models.CharField(
        _("farve"),
        max_length=7,
        blank=True,
        validators=[validate_partner_colour],
        help_text=_(
            "Partnerens farve som #rrggbb, fx #1f3d7a. Arrangementswidgetten på "
            "partnernes websteder bruger den som farvetema for partnerens arrangementer; den skal "
            "kunne læses som tekst på hvid baggrund."
        ),
    )
    role = models.TextField(_("rolle i videnscentret"), blank=True)
    is_coordinator = models.BooleanField(
        _("koordinator"),
        default=False,
        help_text=_("Koordinatoren godkender fælles sider og kan moderere på tværs af partnere."),
    )
    collection = models.OneToOneField(
        Collection,
        verbose_name=_("samling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner",
    )
    editors_group = models.OneToOneField(
        Group,
        verbose_name=_("redaktørgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_as_editors",
    )
    moderators_group = models.OneToOneField(
        Group,
        verbose_name=_("moderatorgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_as_moderators",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("event_url_template"),
        FieldPanel("logo"),
        FieldPanel("colour"),
        FieldPanel("role"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partnere")

    def __str__(self) -> str:
        return self.name


class VocabularyTerm(index.Indexed, models.Model):
    """A term events and knowledge are tagged with: a name, a slug for the API's filters, and a
    description for editors."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = _("emne")
        verbose_name_plural = _("emner")


class Audience(VocabularyTerm):
    """A target group of the centre (managers, caseworkers, school, daycare, PPR …)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")


class Region(models.Model):
    code = models.CharField(_("regionskode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regioner")

    def __str__(self) -> str:
        return self.name


class Municipality(index.Indexed, models.Model):
    """One of the 98 Danish municipalities, loaded by a data migration."""

    code = models.CharField(_("kommunekode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )

    panels = [FieldPanel("code", read_only=True), FieldPanel("name"), FieldPanel("region")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name
