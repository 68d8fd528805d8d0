"""The page tree and the centre's shared vocabulary."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Orderable, Page
from wagtail.search import index

from home.admin_titles import ViewerScopedTitleMixin
from home.blocks import BodyStreamBlock, KeyFindingBlock
from home.forms import PartnerMediaPageForm
from home.preview import ApiPreviewMixin

# --- Vocabulary -------------------------------------------------------------------------------


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
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Partnerens logo, som de forbrugende sites viser."),
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
        FieldPanel("role"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partnere")

    def __str__(self) -> str:
        return self.name


class Topic(index.Indexed, models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("emne")
        verbose_name_plural = _("emner")

    def __str__(self) -> str:
        return self.name


class Audience(index.Indexed, models.Model):
    """A target group of the centre (managers, caseworkers, school, daycare, PPR …)."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")

    def __str__(self) -> str:
        return self.name


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


# --- Partner areas ----------------------------------------------------------------------------


class PartnerAreaMixin(ViewerScopedTitleMixin, models.Model):
    """A page that belongs to the partner whose folder it stands in.

    The partner is derived from the nearest ancestor folder with a partner, and stored so that
    selectors can filter on it without walking the tree.
    """

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.path:
            partner = self.partner_from_tree()
            if partner is not None:
                self.partner = partner
        return super().save(*args, **kwargs)

    def partner_from_tree(self) -> Partner | None:
        if not self.path:
            return None
        ancestors = Page.objects.filter(path__in=self._ancestor_paths()).order_by("-depth")
        for page in ancestors.specific():
            if isinstance(page, PartnerFolderMixin) and page.partner_id:
                return page.partner
        return None

    def _ancestor_paths(self) -> list[str]:
        step = Page.steplen
        return [self.path[:i] for i in range(step, len(self.path), step)]


class PartnerFolderMixin(ViewerScopedTitleMixin, models.Model):
    """A section page; with a partner set, it is that partner's editorial folder."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_folders",
        help_text=_("Tom for den fælles oversigt; ellers partnerens egen mappe."),
    )

    class Meta:
        abstract = True


# --- Pages ------------------------------------------------------------------------------------


class HomePage(ApiPreviewMixin, ViewerScopedTitleMixin, Page):
    intro = models.TextField(_("introduktion"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("indhold"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    template = "home/headless_page.html"
    base_form_class = PartnerMediaPageForm

    class Meta:
        verbose_name = _("forside")
        verbose_name_plural = _("forsider")


class ContentPage(ApiPreviewMixin, ViewerScopedTitleMixin, Page):
    """A common content page of the centre (about, contact, method descriptions)."""

    intro = models.TextField(_("introduktion"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("indhold"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]

    template = "home/headless_page.html"
    base_form_class = PartnerMediaPageForm

    class Meta:
        verbose_name = _("indholdsside")
        verbose_name_plural = _("indholdssider")


class KnowledgeIndexPage(PartnerFolderMixin, Page):
    """The knowledge section, and inside it one folder per partner."""

    intro = RichTextField(_("introduktion"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("partner"), FieldPanel("intro")]

    parent_page_types = ["home.HomePage", "home.KnowledgeIndexPage"]
    subpage_types = ["home.KnowledgeIndexPage", "home.KnowledgePage"]

    template = "home/headless_page.html"
    base_form_class = PartnerMediaPageForm

    class Meta:
        verbose_name = _("vidensoversigt")
        verbose_name_plural = _("vidensoversigter")


class KnowledgeKind(models.TextChoices):
    REPORT = "report", _("Rapport")
    COMPILATION = "compilation", _("Vidensindsamling")
    RESEARCH_OVERVIEW = "research_overview", _("Forskningsoversigt")
    METHOD = "method", _("Metode eller værktøj")
    MEDIA = "media", _("Video eller podcast")


class KnowledgePage(ApiPreviewMixin, PartnerAreaMixin, Page):
    kind = models.CharField(_("type"), max_length=30, choices=KnowledgeKind.choices)
    authors = models.CharField(
        _("forfattere"), max_length=500, blank=True, help_text=_("Adskil navne med komma.")
    )
    year = models.PositiveSmallIntegerField(
        _("udgivelsesår"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    summary = RichTextField(
        _("resumé"), blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    key_findings = StreamField(
        [("finding", KeyFindingBlock())], verbose_name=_("hovedresultater"), blank=True
    )
    external_url = models.URLField(_("eksternt link"), blank=True)
    topics = ParentalManyToManyField(Topic, verbose_name=_("emner"), blank=True, related_name="+")
    audiences = ParentalManyToManyField(
        Audience, verbose_name=_("målgrupper"), blank=True, related_name="+"
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("authors"), FieldPanel("year")],
            heading=_("Udgivelse"),
        ),
        FieldPanel("summary"),
        FieldPanel("key_findings"),
        InlinePanel("documents", label=_("Dokumenter")),
        FieldPanel("external_url"),
        MultiFieldPanel(
            [FieldPanel("topics"), FieldPanel("audiences")], heading=_("Emner og målgrupper")
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("authors"),
        index.SearchField("key_findings"),
        index.FilterField("kind"),
        index.FilterField("year"),
        index.FilterField("partner"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    parent_page_types = ["home.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    template = "home/headless_page.html"
    base_form_class = PartnerMediaPageForm
    api_serializer = "api.serializers.KnowledgeSerializer"

    class Meta:
        verbose_name = _("videnselement")
        verbose_name_plural = _("videnselementer")

    def clean(self):
        super().clean()
        if self.year is not None and not (1900 <= self.year <= 2100):
            raise ValidationError({"year": _("Angiv et årstal mellem 1900 og 2100.")})


class KnowledgePageDocument(Orderable):
    page = ParentalKey(KnowledgePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("dokument"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("linktekst"), max_length=255, blank=True, help_text=_("Tom: dokumentets titel bruges.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")


# --- Change log -------------------------------------------------------------------------------


class ContentChange(models.Model):
    """One published change to what leaves the admin: the API's version and its tombstones.

    Written in the same transaction as the change itself. The highest id is the content's
    version (ETags and server-side caches hang on it); rows for unpublished or deleted objects
    are the tombstones a mirroring site needs.
    """

    wagtail_reference_index_ignore = True  # not content: no reference-index writes

    class Action(models.TextChoices):
        PUBLISHED = "published", _("Udgivet")
        UNPUBLISHED = "unpublished", _("Afpubliceret")
        DELETED = "deleted", _("Slettet")
        MOVED = "moved", _("Flyttet")
        CHANGED = "changed", _("Ændret")

    object_type = models.CharField(_("type"), max_length=30)
    object_id = models.BigIntegerField(_("id"))
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("indholdsændring")
        verbose_name_plural = _("indholdsændringer")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.action}"
