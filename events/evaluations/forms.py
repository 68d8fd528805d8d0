"""The evaluation's form, built from the event's questions: rendered on the server without
JavaScript, every message in Danish and beginning with the question it concerns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from events.evaluations.services import GivenAnswer
from events.models import EvaluationKind
from events.models.evaluations import SCALE_VALUES, EvaluationQuestionBase

PREFIX = "q_"
TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 4000
SCALE_LABELS = {
    1: "1 – i meget lav grad",
    2: "2 – i lav grad",
    3: "3 – i nogen grad",
    4: "4 – i høj grad",
    5: "5 – i meget høj grad",
}
YES_NO = [("ja", "Ja"), ("nej", "Nej")]


def _messages(name: str) -> dict[str, str]:
    return {
        "required": f"{name}: svar på spørgsmålet.",
        "invalid": f"{name}: ugyldigt svar.",
        "invalid_choice": f"{name}: vælg en af mulighederne.",
        "invalid_list": f"{name}: vælg en eller flere af mulighederne.",
        "max_length": f"{name}: højst %(limit_value)d tegn (du skrev %(show_value)d).",
        "max_digits": f"{name}: højst 10 cifre før kommaet.",
        "max_decimal_places": f"{name}: højst 2 decimaler.",
        "max_whole_digits": f"{name}: højst 10 cifre før kommaet.",
        "null_characters_not_allowed": f"{name}: teksten indeholder ugyldige tegn.",
    }


def _name(question: EvaluationQuestionBase) -> str:
    return question.label.strip().rstrip("?:").strip() or question.key


def _field(question: EvaluationQuestionBase) -> forms.Field:
    common: dict[str, Any] = {
        "label": f"{question.label} *" if question.required else question.label,
        "required": question.required,
        "help_text": question.help_text,
        "error_messages": _messages(_name(question)),
    }
    kind = question.kind
    if kind == EvaluationKind.SCALE:
        choices = [(str(value), SCALE_LABELS[value]) for value in SCALE_VALUES]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == EvaluationKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == EvaluationKind.CHOICE:
        options = [(o.value, o.label) for o in question.option_list() if o.active]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if kind == EvaluationKind.MULTIPLE_CHOICE:
        options = [(o.value, o.label) for o in question.option_list() if o.active]
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == EvaluationKind.NUMBER:
        return forms.DecimalField(max_digits=12, decimal_places=2, **common)
    if kind == EvaluationKind.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    return forms.CharField(max_length=TEXT_LIMIT, **common)


class EvaluationForm(forms.Form):
    def __init__(self, questions: list[EvaluationQuestionBase], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions: dict[str, EvaluationQuestionBase] = {}
        for question in questions:
            if question.key in self.questions:
                continue  # a key used twice: the first question asks it
            self.questions[question.key] = question
            self.fields[PREFIX + question.key] = _field(question)

    def answers(self) -> list[GivenAnswer]:
        """The answers given (unanswered questions are left out), as they are stored."""
        given = []
        for key, question in self.questions.items():
            raw = self.cleaned_data.get(PREFIX + key)
            if raw in (None, "", []):
                continue
            value, text = _value_and_text(question, raw)
            given.append(
                GivenAnswer(
                    key=key, label=question.label, kind=question.kind, value=value, text=text
                )
            )
        return given


def _value_and_text(question: EvaluationQuestionBase, raw: Any) -> tuple[Any, str]:
    kind = question.kind
    if kind == EvaluationKind.SCALE:
        return int(raw), str(raw)
    if kind == EvaluationKind.YES_NO:
        return raw == "ja", "Ja" if raw == "ja" else "Nej"
    labels = {option.value: option.label for option in question.option_list()}
    if kind == EvaluationKind.CHOICE:
        return raw, labels.get(raw, raw)
    if kind == EvaluationKind.MULTIPLE_CHOICE:
        return list(raw), ", ".join(labels.get(value, value) for value in raw)
    if kind == EvaluationKind.NUMBER:
        number = Decimal(raw)
        value = int(number) if number == number.to_integral_value() else float(number)
        return value, str(value).replace(".", ",")
    text = str(raw).strip()
    return text, text
