"""Course evaluations: the questions (per event, or the centre's default form), who was
invited, and the answers, kept anonymously.

Anonymity is structural: ``EvaluationSubmission``, ``EvaluationResponse`` and
``EvaluationAnswer`` hold no key or id of a person, a registration or an invitation. What links
a person to the evaluation is their ``EvaluationInvitation`` and its "has answered" mark, which
the reminder reads to skip them. A submit writes that mark and a *pending* submission (the
event and the answers, nothing else) in one transaction; the submissions become responses only
in a later release, in batches of at least three per event (or when the evaluation has closed),
shuffled, with random ids and the day of the release: nothing in the database (a transaction
id, a sequence, a moment) joins a response to the mark of whoever gave it. An invitation's link
is a one-time token of which only a SHA-256 hash is stored (the link itself lives only in the
person's email, and is scrubbed from the stored email once it is sent). Written by
``events.evaluations.services`` only.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable

from events.blocks import QuestionOptionsBlock
from events.forms import EvaluationDefaultsForm
from events.models.questions import KEY_PATTERN, Option, QuestionKind
from home.text import machine_key

SCALE_VALUES = (1, 2, 3, 4, 5)


class EvaluationKind(models.TextChoices):
    """The registration form's kinds that make sense afterwards, plus a 1–5 scale."""

    SCALE = "scale", _("Skala 1–5")
    TEXT = QuestionKind.TEXT.value, QuestionKind.TEXT.label
    LONG_TEXT = QuestionKind.LONG_TEXT.value, QuestionKind.LONG_TEXT.label
    NUMBER = QuestionKind.NUMBER.value, QuestionKind.NUMBER.label
    YES_NO = QuestionKind.YES_NO.value, QuestionKind.YES_NO.label
    CHOICE = QuestionKind.CHOICE.value, QuestionKind.CHOICE.label
    MULTIPLE_CHOICE = QuestionKind.MULTIPLE_CHOICE.value, QuestionKind.MULTIPLE_CHOICE.label


EVALUATION_CHOICE_KINDS = frozenset({EvaluationKind.CHOICE, EvaluationKind.MULTIPLE_CHOICE})
# Kinds whose answers are counted per value in the report (the rest are listed as text).
COUNTED_KINDS = EVALUATION_CHOICE_KINDS | {EvaluationKind.SCALE, EvaluationKind.YES_NO}


def new_evaluation_token() -> str:
    return secrets.token_urlsafe(32)


def evaluation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class EvaluationQuestionBase(Orderable):
    label = models.CharField(_("spørgsmål"), max_length=200)
    key = models.CharField(
        _("nøgle"),
        max_length=50,
        blank=True,
        help_text=_(
            "Spørgsmålets faste navn i rapporten og eksporten. Tom: dannes af spørgsmålet. "
            "Samme nøgle på flere arrangementer samler svarene i rapporten på tværs."
        ),
    )
    kind = models.CharField(
        _("svartype"),
        max_length=20,
        choices=EvaluationKind.choices,
        default=EvaluationKind.SCALE,
    )
    required = models.BooleanField(_("skal besvares"), default=False)
    help_text = models.CharField(_("hjælpetekst"), max_length=300, blank=True)
    options = StreamField(
        QuestionOptionsBlock(),
        verbose_name=_("svarmuligheder"),
        blank=True,
        help_text=_("Kun ved “Ét valg” og “Flere valg”. Antal pladser bruges ikke her."),
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("key")]),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("options"),
    ]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.label

    def option_list(self) -> list[Option]:
        if self.kind not in EVALUATION_CHOICE_KINDS:
            return []
        options = []
        for block in self.options or []:
            value = block.value
            options.append(
                Option(
                    value=value.get("value")
                    or machine_key(value.get("label", ""), fallback="mulighed"),
                    label=value.get("label", ""),
                    active=value.get("active", True) is not False,
                )
            )
        return options

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        self.key = self.key.strip().lower()
        if not self.key and self.label:
            self.key = machine_key(self.label, fallback="spoergsmaal")
        if self.key and not KEY_PATTERN.fullmatch(self.key):
            errors["key"] = [
                _("Nøgle: brug små bogstaver a–z, tal, - og _, højst 50 tegn, fx “udbytte”.")
            ]
        if self.kind in EVALUATION_CHOICE_KINDS and not self.option_list():
            errors["options"] = [_("Svarmuligheder: tilføj mindst én svarmulighed.")]
        elif self.kind not in EVALUATION_CHOICE_KINDS and self.options:
            errors["options"] = [
                _("Svarmuligheder: bruges kun ved spørgsmål, hvor man vælger mellem muligheder.")
            ]
        if errors:
            raise ValidationError(errors)


class EventEvaluationQuestion(EvaluationQuestionBase):
    """A question of one event's own evaluation form (edited in the event's page form)."""

    page = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="evaluation_questions"
    )

    class Meta(EvaluationQuestionBase.Meta):
        verbose_name = _("evalueringsspørgsmål")
        verbose_name_plural = _("evalueringsspørgsmål")


@register_setting(icon="list-ul")
class EvaluationDefaults(ClusterableModel, BaseGenericSetting):
    """The centre's default evaluation form: used by every event that evaluates and has no
    questions of its own (nor an external evaluation link)."""

    base_form_class = EvaluationDefaultsForm
    panels = [
        InlinePanel(
            "questions",
            label=_("spørgsmål"),
            heading=_("Standardevaluering"),
            help_text=_(
                "Bruges af alle arrangementer, der evalueres uden egne spørgsmål eller eget "
                "evalueringslink."
            ),
        )
    ]

    class Meta:
        verbose_name = _("standardevaluering")
        verbose_name_plural = _("standardevaluering")


class DefaultEvaluationQuestion(EvaluationQuestionBase):
    form = ParentalKey(EvaluationDefaults, on_delete=models.CASCADE, related_name="questions")

    class Meta(EvaluationQuestionBase.Meta):
        verbose_name = _("spørgsmål i standardevalueringen")
        verbose_name_plural = _("spørgsmål i standardevalueringen")


class EvaluationInvitation(models.Model):
    """One person's invitation to evaluate one event: a registration, or a named member of a
    staff group in its stead. ``answered`` is all it knows of the answer."""

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="evaluation_invitations",
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("tilmelding"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_invitations",
    )
    member = models.ForeignKey(
        "events.GroupMember",
        verbose_name=_("deltager i medarbejdergruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_invitations",
    )
    # Who, for "once per person" (``Person.key``: r<registration> or m<member>); it outlives
    # the person's rows, which may be deleted (a member who withdraws) or forgotten.
    person_key = models.CharField(max_length=40)
    # SHA-256 of the invitation's link and of the reminder's (a new link: the first one's
    # token exists only in the first email); either opens the form until it is answered.
    token_hash = models.CharField(max_length=64, unique=True)
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(_("inviteret"))
    reminded_at = models.DateTimeField(_("påmindet"), null=True, blank=True)
    answered = models.BooleanField(_("har svaret"), default=False)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("invitation til evaluering")
        verbose_name_plural = _("invitationer til evaluering")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_key"], name="events_one_evaluation_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {'svaret' if self.answered else 'ikke svaret'}"


class EvaluationSubmission(models.Model):
    """A submitted set of answers waiting for its release (``evaluations_release``): the event
    and the answers (``[{key, label, kind, value, text}, …]`` in the form's order), nothing
    else, not even when. Deleted when it is released into an ``EvaluationResponse``."""

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="evaluation_submissions",
    )
    answers = models.JSONField(_("svar"))

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evalueringssvar, der venter")
        verbose_name_plural = _("evalueringssvar, der venter")

    def __str__(self) -> str:
        return f"{self.event_id}: venter"


class EvaluationResponse(models.Model):
    """One anonymous set of answers to one event's evaluation. No person, no invitation; a
    random id (not one that follows the order they came in) and the day it was released."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="evaluation_responses",
    )
    submitted_on = models.DateField(_("frigivet"))

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evalueringssvar")
        verbose_name_plural = _("evalueringssvar")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.submitted_on}"


class EvaluationAnswer(models.Model):
    """One answer of a response, with the question as it was asked (key, label, kind)."""

    response = models.ForeignKey(
        EvaluationResponse,
        verbose_name=_("besvarelse"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    key = models.CharField(_("nøgle"), max_length=50)
    label = models.CharField(_("spørgsmål"), max_length=200)
    kind = models.CharField(_("svartype"), max_length=20, choices=EvaluationKind.choices)
    # 1–5 for a scale, true/false, an option's value (a list for several), a text or number.
    value = models.JSONField(_("svar"))
    text = models.TextField(_("svar som tekst"))
    sort_order = models.PositiveIntegerField(default=0)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evalueringssvar på spørgsmål")
        verbose_name_plural = _("evalueringssvar på spørgsmål")
        ordering = ["response", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "key"], name="events_one_evaluation_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"
