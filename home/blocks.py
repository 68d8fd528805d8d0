"""StreamField blocks shared by the centre's pages: one StructBlock per component."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


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
    image = ImageChooserBlock(label=_("Billede"))
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
    page = blocks.PageChooserBlock(label=_("Side"), required=False)
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
        # not linked (the API says "page": null, api/blocks.py).
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
    document = DocumentChooserBlock(label=_("Dokument"))
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


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(label=_("Tekst"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = EmbedBlock(label=_("Indlejret medie"), icon="media")
    document = DocumentLinkBlock()

    class Meta:
        label = _("Indhold")
