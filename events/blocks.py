"""StreamField blocks of an event page: one StructBlock per component."""

from django.core.validators import RegexValidator
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
from home.text import machine_key


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


class QuestionOptionBlock(blocks.StructBlock):
    """One answer a choice question offers. Its ``value`` is the machine key answers keep, so a
    label can be reworded freely; left empty it is made from the label when saved."""

    label = blocks.CharBlock(label=_("Svarmulighed"), max_length=200)
    value = blocks.CharBlock(
        label=_("Nøgle"),
        max_length=50,
        required=False,
        help_text=_("Fx “modul-1”. Tom: dannes af svarmuligheden."),
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9_-]*$",
                _("Nøgle: brug små bogstaver a–z, tal, - og _, fx “modul-1”."),
            )
        ],
    )
    places = blocks.IntegerBlock(
        label=_("Pladser"),
        required=False,
        min_value=0,
        help_text=_("Kun ved “Ét valg med pladser pr. mulighed”."),
    )
    active = blocks.BooleanBlock(
        label=_("Kan vælges"),
        required=False,
        default=True,
        help_text=_("Fjern fluebenet for at holde op med at tilbyde muligheden."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Svarmulighed")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("value"):
            value["value"] = machine_key(value.get("label", ""), fallback="mulighed")
        return value


class QuestionOptionsBlock(blocks.StreamBlock):
    option = QuestionOptionBlock()

    class Meta:
        label = _("Svarmuligheder")
