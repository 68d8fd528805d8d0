"""StreamField blocks shared by the centre's pages: one StructBlock per component.

Every block represents itself in the API (``get_api_representation``, as bakerydemo's blocks
do): rich text as display-ready HTML, images as renditions, documents and pages as absolute URLs.
A page link reaches only a live, public page; which of a response's linked pages are public is
looked up once per response and handed down in the context as ``links``
(``home.api_values.LinkTargets``); a stream represented on its own looks up its own.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.rich_text import RichText

from home.api_values import LinkTargets, document_json, image_json, linked_page_ids, page_link_json

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


def _links(context: dict | None, *, page_ids=(), streams=(), rich_texts=()) -> LinkTargets:
    """The response's public pages, or (a block represented alone) those this value links to."""
    links = (context or {}).get("links")
    if links is not None:
        return links
    return LinkTargets(set(page_ids) | linked_page_ids(streams=streams, rich_texts=rich_texts))


class PublicRichTextBlock(blocks.RichTextBlock):
    """Rich text whose links reach only live, public pages (a link to any other page keeps its
    text without an ``href``)."""

    def get_api_representation(self, value, context=None):
        source = value.source if isinstance(value, RichText) else value or ""
        return _links(context, rich_texts=[source]).rich_text_html(source)


class PublicPageChooserBlock(blocks.PageChooserBlock):
    """A chosen page as ``{id, title, url}``, or ``null`` unless it is live and public."""

    def get_api_representation(self, value, context=None):
        if value is None:
            return None
        return page_link_json(_links(context, page_ids=[value.pk]).page(value))


class RenditionsImageChooserBlock(ImageChooserBlock):
    """An image as its renditions (small, medium, large) with width, height and alt text."""

    def get_api_representation(self, value, context=None):
        return image_json(value)


class LinkedDocumentChooserBlock(DocumentChooserBlock):
    """A document as its absolute URL, title, extension and size."""

    def get_api_representation(self, value, context=None):
        return document_json(value) if value is not None else None


class UrlEmbedBlock(EmbedBlock):
    """An embed as the address it was made from (the consuming site embeds it its own way)."""

    def get_api_representation(self, value, context=None):
        return {"url": value.url} if value else None


class RepresentedStreamBlock(blocks.StreamBlock):
    """A body whose blocks represent themselves; looks up its linked pages when the caller has
    not (a response of several objects looks them up once for all)."""

    def get_api_representation(self, value, context=None):
        context = {**(context or {}), "links": _links(context, streams=[value])}
        return super().get_api_representation(value, context=context)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Overskrift"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Overskrift 2")), ("h3", _("Overskrift 3")), ("h4", _("Overskrift 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Overskrift")
        preview_value = {"text": "Børns perspektiv i sagsbehandlingen", "level": "h2"}


class ImageWithCaptionBlock(blocks.StructBlock):
    image = RenditionsImageChooserBlock(label=_("Billede"))
    caption = blocks.CharBlock(label=_("Billedtekst"), required=False, max_length=300)
    attribution = blocks.CharBlock(label=_("Fotograf/kilde"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Billede med billedtekst")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Citat"))
    attribution = blocks.CharBlock(label=_("Afsender"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Citat")
        preview_value = {
            "text": "Jeg vil gerne spørges, før de bestemmer, hvor jeg skal bo.",
            "attribution": "Ung, 16 år",
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    text = blocks.TextBlock(label=_("Tekst"), required=False)
    link_text = blocks.CharBlock(label=_("Linktekst"), max_length=100)
    page = PublicPageChooserBlock(label=_("Side"), required=False)
    url = blocks.URLBlock(label=_("Eller en ekstern adresse"), required=False)

    class Meta:
        icon = "pick"
        label = _("Opfordring til handling")
        preview_value = {
            "title": "Tilmeld dig nyhedsbrevet",
            "text": "Få besked om nye webinarer og forløb.",
            "link_text": "Tilmeld",
            "url": "https://example.com",
        }

    def render_basic(self, value, context=None):
        # The page's own address shows this block too: a page that is not live and public is
        # not linked (the API says "page": null, ``PublicPageChooserBlock``).
        page = value.get("page")
        if page is not None and not Page.objects.filter(pk=page.pk).live().public().exists():
            value = blocks.StructValue(
                self, [(name, None if name == "page" else child) for name, child in value.items()]
            )
        return super().render_basic(value, context=context)

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Vælg en side eller angiv en adresse."))}
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    document = LinkedDocumentChooserBlock(label=_("Dokument"))
    title = blocks.CharBlock(
        label=_("Linktekst"), required=False, help_text=_("Tom: dokumentets titel bruges.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Dokumentlink")


class KeyFindingBlock(blocks.StructBlock):
    figure = blocks.CharBlock(
        label=_("Tal"), max_length=40, help_text=_("Fx “43 %”: tallet, som det skal fremhæves.")
    )
    statement = blocks.TextBlock(label=_("Udsagn"), help_text=_("Hvad tallet fortæller."))
    source = blocks.CharBlock(label=_("Kilde"), required=False, max_length=300)

    class Meta:
        icon = "pick"
        label = _("Hovedresultat")
        preview_value = {
            "figure": "43 %",
            "statement": "af de anbragte unge følte sig ikke inddraget i, hvor de skulle bo.",
        }


class BodyStreamBlock(RepresentedStreamBlock):
    heading = HeadingBlock()
    paragraph = PublicRichTextBlock(label=_("Tekst"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = UrlEmbedBlock(label=_("Indlejret medie"), icon="media")
    document = DocumentLinkBlock()

    class Meta:
        label = _("Indhold")
