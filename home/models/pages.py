"""The page tree: the home page, content pages, knowledge items and the partners' folders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.api_values import absolute
from home.areas.titles import ViewerScopedTitleMixin
from home.blocks import BodyStreamBlock, KeyFindingBlock
from home.forms import PartnerMediaPageForm
from home.models.vocabulary import Audience, Partner, Topic
from home.preview import ApiPreviewMixin
from home.slugs import DanishSlugMixin

# --- Vocabulary -------------------------------------------------------------------------------


# --- Partner areas ----------------------------------------------------------------------------


class PartnerAreaMixin(DanishSlugMixin, ViewerScopedTitleMixin, models.Model):
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


class PartnerFolderMixin(DanishSlugMixin, ViewerScopedTitleMixin, models.Model):
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


class SectionIndexPage(PartnerFolderMixin, Page):
    """A section of the site (events, knowledge) and, inside it, one folder per partner.

    ``centre_setup`` makes one of each concrete subclass under the home page, in
    ``section_order``, named by ``section_slug`` and ``section_title``, and a folder per partner
    inside it that the partner's editors and moderators work in.
    """

    intro = RichTextField(_("introduktion"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("partner"), FieldPanel("intro")]

    base_form_class = PartnerMediaPageForm

    section_key: str
    section_slug: str
    section_title: str
    section_order: int

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        # Wagtail names a template per concrete class; every section shares the headless one.
        return "home/headless_page.html"


# --- Pages ------------------------------------------------------------------------------------


class HomePage(DanishSlugMixin, ApiPreviewMixin, ViewerScopedTitleMixin, Page):
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


class ContentPage(DanishSlugMixin, ApiPreviewMixin, ViewerScopedTitleMixin, Page):
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


class KnowledgeIndexPage(SectionIndexPage):
    """The knowledge section, and inside it one folder per partner."""

    parent_page_types = ["home.HomePage", "home.KnowledgeIndexPage"]
    subpage_types = ["home.KnowledgeIndexPage", "home.KnowledgePage"]

    section_key = "knowledge"
    section_slug = "viden"
    section_title = "Viden"
    section_order = 20

    class Meta(SectionIndexPage.Meta):
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

    class Meta:
        verbose_name = _("videnselement")
        verbose_name_plural = _("videnselementer")

    def clean(self):
        super().clean()
        if self.year is not None and not (1900 <= self.year <= 2100):
            raise ValidationError({"year": _("Angiv et årstal mellem 1900 og 2100.")})

    def reader_url(self) -> str:
        """Where a person reads the item, for links in emails: the publication where its
        publisher presents it (``external_url``), else its first document, else its own page
        here. Never the API's JSON, which is for the consuming sites."""
        if self.external_url:
            return self.external_url
        first = next(iter(self.documents.all()), None)
        return absolute(first.document.url if first else self.url or "")


class LinkedDocument(Orderable):
    """A document a page offers, under a link text of its own (or the document's title)."""

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
        abstract = True


class KnowledgePageDocument(LinkedDocument):
    page = ParentalKey(KnowledgePage, on_delete=models.CASCADE, related_name="documents")

    class Meta(LinkedDocument.Meta):
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")


# --- Change log -------------------------------------------------------------------------------
