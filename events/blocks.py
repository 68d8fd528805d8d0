"""StreamField blocks of an event page: one StructBlock per component."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from home.blocks import (
    RICH_TEXT_FEATURES,
    DocumentLinkBlock,
    ImageWithCaptionBlock,
    PublicRichTextBlock,
    RenditionsImageChooserBlock,
    RepresentedStreamBlock,
)


class ProgrammeItemBlock(blocks.StructBlock):
    time = blocks.CharBlock(label=_("Tidspunkt"), max_length=40, help_text=_("Fx “9.30–10.15”."))
    title = blocks.CharBlock(label=_("Punkt"), max_length=200)
    speakers = blocks.CharBlock(
        label=_("Oplægsholdere"),
        required=False,
        max_length=300,
        help_text=_("Adskil navne med komma."),
    )

    class Meta:
        icon = "time"
        label = _("Programpunkt")
        preview_value = {
            "time": "9.30–10.15",
            "title": "Børns perspektiv i sagsbehandlingen",
            "speakers": "Forsker fra VIVE",
        }


class SpeakerBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Navn"), max_length=200)
    title = blocks.CharBlock(label=_("Titel og organisation"), required=False, max_length=200)
    image = RenditionsImageChooserBlock(label=_("Portræt"), required=False)
    bio = blocks.TextBlock(label=_("Kort præsentation"), required=False)

    class Meta:
        icon = "user"
        label = _("Oplægsholder")
        preview_value = {
            "name": "Anne Jensen",
            "title": "Seniorforsker, VIVE",
            "bio": "Forsker i anbragte børns trivsel og inddragelse.",
        }


class EventBodyBlock(RepresentedStreamBlock):
    paragraph = PublicRichTextBlock(label=_("Tekst"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    programme_item = ProgrammeItemBlock()
    speaker = SpeakerBlock()
    image = ImageWithCaptionBlock()
    document = DocumentLinkBlock()

    class Meta:
        label = _("Indhold")
