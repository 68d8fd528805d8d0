"""Questions an event asks at sign-up, and the answers registrations give them.

A question belongs to its event's page (an orderable child, edited in the page's own form and
kept in its revisions); an answer belongs to its registration and stands on its own: it keeps the
question's key, label, kind and data class and the answer's readable text as they were when it
was given. So an answer stays readable, exportable and erasable by its data class after the
question is reworded, loses an option or is deleted, and publishing a page never touches it.
Answers are written by ``events.registrations.signups.registration_create`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from events.blocks import QuestionOptionsBlock
from home.text import machine_key


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Kort tekst")
    LONG_TEXT = "long_text", _("Lang tekst")
    NUMBER = "number", _("Tal")
    DATE = "date", _("Dato")
    YES_NO = "yes_no", _("Ja/nej")
    CHOICE = "choice", _("Ét valg")
    MULTIPLE_CHOICE = "multiple_choice", _("Flere valg")
    LIMITED_CHOICE = "limited_choice", _("Ét valg med pladser pr. mulighed")
    MUNICIPALITY = "municipality", _("Kommune")
    JOB_ROLE = "job_role", _("Stillingsgruppe")


# The kinds whose answers are among the question's own options.
CHOICE_KINDS = frozenset(
    {QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.LIMITED_CHOICE}
)
# The kinds a later question may be conditioned on ("shown only when X is V").
CONDITION_KINDS = CHOICE_KINDS | {QuestionKind.YES_NO}


class DataClass(models.TextChoices):
    ORDINARY = "ordinary", _("Almindelig: slettes med tilmeldingens øvrige persondata")
    SENSITIVE = (
        "sensitive",
        _("Følsom (fx helbred, kost, tilgængelighed): slettes dagen efter arrangementet"),
    )
    STATISTICAL = "statistical", _("Statistisk: bevares anonymt i rækkeviddetallene")


KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
YES_WORDS = {"ja": True, "nej": False}


@dataclass(frozen=True)
class Option:
    """One answer a choice question offers: ``value`` is its machine key (what the API sends
    and answers store), ``places`` its own limit (limited choice only; None: no limit)."""

    value: str
    label: str
    places: int | None = None
    active: bool = True


# "Asked once per registration / per participant", as a choice (the field stays a boolean: the
# API's ``per_participant`` and the answers' meaning do not change).
PER_PARTICIPANT_WIDGET = forms.RadioSelect(
    choices=[
        (False, _("Én gang pr. tilmelding")),
        (True, _("For hver navngiven deltager (kun forløb for en medarbejdergruppe)")),
    ]
)


class EventQuestion(Orderable):
    """A question of one event's sign-up form.

    ``key`` is unique within the event (the admin form checks it, not the database: Wagtail
    writes a page's children one by one, and two questions swapping keys would trip a unique
    index half-way) and never changes once answers use it.
    """

    page = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("spørgsmål"), max_length=200)
    key = models.CharField(
        _("nøgle"),
        max_length=50,
        blank=True,
        help_text=_(
            "Spørgsmålets faste navn i API'et og eksporten, fx “modul”. Tom: dannes af "
            "spørgsmålet. Kan ikke ændres, når der er svar."
        ),
    )
    kind = models.CharField(
        _("svartype"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    required = models.BooleanField(_("skal besvares"), default=False)
    help_text = models.CharField(_("hjælpetekst"), max_length=300, blank=True)
    options = StreamField(
        QuestionOptionsBlock(),
        verbose_name=_("svarmuligheder"),
        blank=True,
        help_text=_(
            "Kun ved “Ét valg”, “Flere valg” og “Ét valg med pladser pr. mulighed”. En "
            "mulighed med svar kan ikke fjernes; fjern i stedet fluebenet ved “Kan vælges”."
        ),
    )
    shown_if_question = models.CharField(
        _("vis kun, når spørgsmålet (nøgle)"),
        max_length=50,
        blank=True,
        help_text=_("Nøglen på et tidligere spørgsmål af typen ja/nej eller et valg."),
    )
    shown_if_value = models.CharField(
        _("har svaret"),
        max_length=100,
        blank=True,
        help_text=_("“ja” eller “nej”, eller svarmulighedens navn eller nøgle."),
    )
    per_participant = models.BooleanField(
        _("spørges"),
        default=False,
        help_text=_("Ved forløb for en medarbejdergruppe: spørgsmålet gælder hver deltager."),
    )
    data_class = models.CharField(
        _("dataklasse"), max_length=20, choices=DataClass.choices, default=DataClass.ORDINARY
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("key")]),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("per_participant", widget=PER_PARTICIPANT_WIDGET),
        FieldPanel("data_class"),
        FieldPanel("options"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("shown_if_question"), FieldPanel("shown_if_value")])],
            heading=_("Betingelse"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("spørgsmål")
        verbose_name_plural = _("spørgsmål")

    def __str__(self) -> str:
        return self.label

    # --- reading ------------------------------------------------------------------------------

    def option_list(self) -> list[Option]:
        """The question's options, inactive ones included (answers may still name them).

        Read from the blocks once per value of ``options``: a sign-up reads them for every
        answer and again for the places under the event's lock, from questions its process
        keeps per content version (``events.selectors.sign_up_form``), and reading the blocks
        was a twentieth of a sign-up's CPU (``py-spy`` over ``bench/registrations.py``). A new
        value (an editor's form) is read anew; a list of its own each time. Options are
        replaced, never edited in place: a block changed inside the same value is not seen."""
        if self.kind not in CHOICE_KINDS:
            return []
        raw = self.options
        kept = self.__dict__.get("_options_read")
        if kept is not None and kept[0] is raw and kept[1] == self.kind:
            return list(kept[2])
        options = self._options_from(raw)
        self.__dict__["_options_read"] = (raw, self.kind, tuple(options))
        return options

    def _options_from(self, raw) -> list[Option]:
        options = []
        for block in raw or []:
            value = block.value
            places = value.get("places")
            options.append(
                Option(
                    value=value.get("value")
                    or machine_key(value.get("label", ""), fallback="mulighed"),
                    label=value.get("label", ""),
                    places=places if self.kind == QuestionKind.LIMITED_CHOICE else None,
                    active=value.get("active", True) is not False,
                )
            )
        return options

    def condition_value(self) -> Any:
        """The answer of ``shown_if_question`` that shows this question, as an answer holds it
        (True/False for yes/no, an option's value otherwise); None without a condition."""
        if not self.shown_if_question:
            return None
        word = self.shown_if_value.strip().lower()
        return YES_WORDS.get(word, self.shown_if_value.strip())

    def name(self) -> str:
        """The question as messages name it: its label without a closing "?" or ":"."""
        return self.label.strip().rstrip("?:").strip() or self.key

    # --- validation of one question (the page form checks them together) ----------------------

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(ValidationError(message))

        self.key = self.key.strip().lower()
        if not self.key and self.label:
            self.key = machine_key(self.label, fallback="spoergsmaal")
        if self.key and not KEY_PATTERN.fullmatch(self.key):
            add(
                "key",
                _("Nøgle: brug små bogstaver a–z, tal, - og _, højst 50 tegn, fx “modul”."),
            )
        options = self.option_list()
        if self.kind in CHOICE_KINDS:
            if not options:
                add("options", _("Svarmuligheder: tilføj mindst én svarmulighed."))
            values = [option.value for option in options]
            duplicates = sorted({value for value in values if values.count(value) > 1})
            if duplicates:
                add(
                    "options",
                    _("Svarmuligheder: to muligheder har samme nøgle (%(values)s).")
                    % {"values": ", ".join(duplicates)},
                )
            if self.kind == QuestionKind.LIMITED_CHOICE and any(
                option.places is None for option in options
            ):
                add("options", _("Svarmuligheder: angiv antal pladser for hver mulighed."))
        elif self.options:
            add(
                "options",
                _("Svarmuligheder: bruges kun ved spørgsmål, hvor man vælger mellem muligheder."),
            )
        if bool(self.shown_if_question.strip()) != bool(self.shown_if_value.strip()):
            add(
                "shown_if_value",
                _("Betingelse: angiv både spørgsmålets nøgle og svaret, eller ingen af dem."),
            )
        self.shown_if_question = self.shown_if_question.strip().lower()
        if errors:
            raise ValidationError(errors)


def questions_check(
    questions: list[EventQuestion], *, initial_keys: dict[int, str], in_use: dict[str, set]
) -> dict[int, dict[str, list[str]]]:
    """What is wrong with an event's questions taken together, by position in ``questions``
    (in their order on the form): a key used twice, a condition on a question that is not
    earlier or cannot be a condition, a key changed or an option removed while answers use it.

    ``initial_keys`` are the saved keys by question id; ``in_use`` the answered values by key
    (``RegistrationAnswer.objects.values_in_use``)."""
    problems: dict[int, dict[str, list[str]]] = {}

    def add(index: int, field: str, message) -> None:
        problems.setdefault(index, {}).setdefault(field, []).append(str(message))

    earlier: dict[str, EventQuestion] = {}
    for index, question in enumerate(questions):
        if question.key in earlier:
            add(
                index,
                "key",
                _("Nøgle: “%(key)s” bruges af et andet spørgsmål.") % {"key": question.key},
            )
        was = initial_keys.get(question.pk) if question.pk else None
        if was and was != question.key and was in in_use:
            add(
                index,
                "key",
                _("Nøgle: spørgsmålet har svar, så nøglen “%(key)s” kan ikke ændres.")
                % {"key": was},
            )
        answered = in_use.get(question.key, set())
        if question.kind in CHOICE_KINDS and answered:
            offered = {option.value for option in question.option_list()}
            removed = sorted(str(value) for value in answered - offered)
            if removed:
                add(
                    index,
                    "options",
                    _(
                        "Svarmuligheder: %(values)s har svar og kan ikke fjernes eller få ny "
                        "nøgle. Fjern i stedet fluebenet ved “Kan vælges”."
                    )
                    % {"values": ", ".join(f"“{value}”" for value in removed)},
                )
        if question.shown_if_question:
            target = earlier.get(question.shown_if_question)
            if target is None:
                add(
                    index,
                    "shown_if_question",
                    _("Betingelse: “%(key)s” er ikke nøglen på et tidligere spørgsmål.")
                    % {"key": question.shown_if_question},
                )
            elif target.kind not in CONDITION_KINDS:
                add(
                    index,
                    "shown_if_question",
                    _("Betingelse: spørgsmålet skal være et ja/nej-spørgsmål eller et valg."),
                )
            else:
                value = condition_value_for(target, question.shown_if_value)
                if value is None:
                    add(
                        index,
                        "shown_if_value",
                        _("Betingelse: “%(value)s” er ikke et svar på “%(question)s”.")
                        % {"value": question.shown_if_value, "question": target.name()},
                    )
                elif isinstance(value, bool):
                    question.shown_if_value = "ja" if value else "nej"
                else:
                    question.shown_if_value = value  # an option's label becomes its value
        earlier.setdefault(question.key, question)
    return problems


def condition_value_for(target: EventQuestion, text: str) -> bool | str | None:
    """The answer of ``target`` an editor's ``text`` means ("ja", an option's label or value),
    or None when it is no answer of ``target``."""
    word = text.strip()
    if target.kind == QuestionKind.YES_NO:
        return YES_WORDS.get(word.lower())
    for option in target.option_list():
        if word == option.value or word.lower() == option.label.strip().lower():
            return option.value
    return None


class RegistrationAnswerQuerySet(models.QuerySet):
    def values_in_use(self, event_id: int) -> dict[str, set]:
        """Per question key, the option values the event's registrations have answered."""
        in_use: dict[str, set] = {}
        rows = self.filter(registration__event_id=event_id).values_list("key", "value")
        for key, value in rows.distinct():
            values = value if isinstance(value, list) else [value]
            in_use.setdefault(key, set()).update(v for v in values if isinstance(v, str))
        return in_use


class RegistrationAnswer(models.Model):
    """One registration's answer to one question, kept as it was given."""

    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("tilmelding"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    key = models.CharField(_("nøgle"), max_length=50)
    label = models.CharField(_("spørgsmål"), max_length=200)
    kind = models.CharField(_("svartype"), max_length=20, choices=QuestionKind.choices)
    data_class = models.CharField(_("dataklasse"), max_length=20, choices=DataClass.choices)
    # What the API took: a text, number, ISO date, true/false, an option's value (a list of
    # them for several choices), a municipality's code or an audience's slug.
    value = models.JSONField(_("svar"))
    # The answer as a person reads it, with the option labels of the day it was given.
    text = models.TextField(_("svar som tekst"))
    sort_order = models.PositiveIntegerField(default=0)
    # A staff group's member, for a question asked per participant; None: the registration's.
    member = models.ForeignKey(
        "events.GroupMember",
        verbose_name=_("deltager"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answers",
    )

    objects = RegistrationAnswerQuerySet.as_manager()

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["registration", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "key"],
                condition=models.Q(member__isnull=True),
                name="events_one_answer_per_question",
            ),
            models.UniqueConstraint(
                fields=["member", "key"],
                condition=models.Q(member__isnull=False),
                name="events_one_answer_per_member_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"
