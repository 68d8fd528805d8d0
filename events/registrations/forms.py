"""The registrant's forms: change their details and answers, send a colleague in their place.

Rendered on the server, without JavaScript: every question is shown, a conditional one with its
condition beside it (``answers_shown`` leaves out the answers to those that end up hidden). The
forms check shape and length; the services check the rest (the event's rules for the answers,
places, the deadline), and their errors land at the field they name (``errors_to_form``).
Every message names its field first, as the API's do.
"""

from __future__ import annotations

from typing import Any

from django import forms

from events.errors import EventsError
from events.models import EventQuestion, QuestionKind, Registration
from events.registrations.addresses import internet_email_for
from events.registrations.answers import TEXT_LIMITS, _condition_text
from events.registrations.changes import questions_of
from events.registrations.selectors import option_places_taken
from home.models import Audience, Municipality

QUESTION_PREFIX = "q_"
YES_NO = [("ja", "Ja"), ("nej", "Nej")]


def _messages(label: str) -> dict[str, str]:
    return {
        "required": f"{label}: feltet skal udfyldes.",
        "invalid": f"{label}: ugyldig værdi.",
        "invalid_choice": f"{label}: vælg en af mulighederne.",
        "invalid_list": f"{label}: vælg en eller flere af mulighederne.",
        "max_length": f"{label}: højst %(limit_value)d tegn (du skrev %(show_value)d).",
    }


class _RadioWithClosed(forms.RadioSelect):
    """Radio buttons where options without places are shown but cannot be chosen."""

    def __init__(self, *args: Any, closed: frozenset[str] = frozenset(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.closed = closed

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.closed:
            option["attrs"]["disabled"] = True
        return option


class _NamedErrorsForm(forms.Form):
    """A form whose every message begins with its field's label (Django's own validators, such
    as the one refusing NUL characters, do not)."""

    # How messages name a field, where that is not its label (a question: without its "?").
    message_names: dict[str, str]

    def full_clean(self) -> None:
        super().full_clean()
        names = getattr(self, "message_names", {})
        for name, errors in list(self.errors.items()):
            if name not in self.fields:
                continue
            label = names.get(name) or str(self.fields[name].label)
            messages = [str(message) for message in errors]
            self.errors[name] = self.error_class(
                [m if m.startswith(f"{label}:") else f"{label}: {m}" for m in messages]
            )

    def add_events_error(self, error: EventsError) -> None:
        """The service's refusal, at the fields it names (``answers.<key>`` is a question)."""
        per_field = error.errors or {error.field or "": [str(error.message)]}
        for field, messages in per_field.items():
            name = field
            if field.startswith("answers."):
                name = QUESTION_PREFIX + field.removeprefix("answers.")
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class _PersonFields(_NamedErrorsForm):
    name = forms.CharField(label="Navn", max_length=200, error_messages=_messages("Navn"))
    workplace = forms.CharField(
        label="Arbejdsplads", max_length=200, error_messages=_messages("Arbejdsplads")
    )
    municipality = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        empty_label="Vælg kommune",
        error_messages=_messages("Kommune"),
    )
    job_role = forms.ModelChoiceField(
        label="Stillingsgruppe",
        queryset=Audience.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Vælg stillingsgruppe",
        error_messages=_messages("Stillingsgruppe"),
    )


class DetailsForm(_PersonFields):
    """A registrant's own details (not the email: sending a colleague changes who comes) and
    their answers to the event's questions, one field ``q_<key>`` per question."""

    phone = forms.CharField(
        label="Telefon", max_length=30, required=False, error_messages=_messages("Telefon")
    )
    accessibility_needs = forms.CharField(
        label="Hensyn og tilgængelighed",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Fx tolk, kørestol eller kost. Slettes dagen efter arrangementet.",
        error_messages=_messages("Hensyn og tilgængelighed"),
    )

    field_order = ["name", "phone", "workplace", "municipality", "job_role", "accessibility_needs"]

    def __init__(self, *args: Any, registration: Registration, **kwargs: Any):
        self.registration = registration
        self.questions: list[EventQuestion] = questions_of(registration.event, registration)
        answers = {answer.key: answer.value for answer in registration.own_answers()}
        kwargs.setdefault(
            "initial",
            {
                "name": registration.name,
                "phone": registration.phone,
                "workplace": registration.workplace,
                "municipality": registration.municipality.code,
                "job_role": registration.job_role.slug if registration.job_role else None,
                "accessibility_needs": registration.accessibility_needs,
                **{
                    QUESTION_PREFIX + question.key: _initial(question, answers.get(question.key))
                    for question in self.questions
                },
            },
        )
        super().__init__(*args, **kwargs)
        self.message_names = {}
        limited = [q.key for q in self.questions if q.kind == QuestionKind.LIMITED_CHOICE]
        taken = (
            option_places_taken(event_ids=[registration.event_id], keys=limited) if limited else {}
        )
        for question in self.questions:
            field = _question_field(question, answers.get(question.key), taken)
            if question.shown_if_question:
                condition = _condition_text(question, self.questions)
                shown = "Besvares kun, hvis du har svaret “%(value)s” til “%(condition)s”."
                field.help_text = " ".join(filter(None, [shown % condition, str(field.help_text)]))
            self.fields[QUESTION_PREFIX + question.key] = field
            self.message_names[QUESTION_PREFIX + question.key] = question.name()

    def question_fields(self) -> list[forms.BoundField]:
        return [self[QUESTION_PREFIX + question.key] for question in self.questions]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.field_order]

    def answers(self) -> dict[str, Any]:
        """The answers as the API takes them, for the questions answered."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(QUESTION_PREFIX + question.key)
            if value in (None, "", []):
                continue
            if question.kind == QuestionKind.YES_NO:
                value = value == "ja"
            answers[question.key] = value
        return answers


def _initial(question: EventQuestion, value: Any) -> Any:
    if question.kind == QuestionKind.YES_NO and isinstance(value, bool):
        return "ja" if value else "nej"
    if question.kind == QuestionKind.NUMBER and isinstance(value, int | float):
        return str(value).replace(".", ",")
    return value


def _question_field(
    question: EventQuestion, current: Any, taken: dict[tuple[int, str, str], int]
) -> forms.Field:
    label = question.label
    common: dict[str, Any] = {
        "label": label,
        "required": False,  # the service asks for a required answer when the question is shown
        "help_text": question.help_text,
        "error_messages": _messages(question.name()),
    }
    kind = QuestionKind(question.kind)
    if kind in TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 4}) if kind == QuestionKind.LONG_TEXT else None
        return forms.CharField(max_length=TEXT_LIMITS[kind], widget=widget, **common)
    if kind == QuestionKind.NUMBER:
        return forms.CharField(
            max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    if kind == QuestionKind.DATE:
        return forms.CharField(
            max_length=10, widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MUNICIPALITY:
        choices = [("", "Vælg kommune"), *Municipality.objects.values_list("code", "name")]
        return forms.ChoiceField(choices=choices, **common)
    if kind == QuestionKind.JOB_ROLE:
        choices = [("", "Vælg stillingsgruppe"), *Audience.objects.values_list("slug", "name")]
        return forms.ChoiceField(choices=choices, **common)
    options = [o for o in question.option_list() if o.active or o.value == current]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(o.value, o.label) for o in options],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == QuestionKind.LIMITED_CHOICE:
        choices, closed = [], set()
        for option in options:
            held = taken.get((question.page_id, question.key, option.value), 0)
            left = max((option.places or 0) - held, 0) if option.places is not None else None
            if left is None:
                text = option.label
            elif option.value == current:
                text = f"{option.label} (din plads)"
            elif left == 0:
                text = f"{option.label} (fuldt)"
                closed.add(option.value)
            else:
                text = f"{option.label} ({left} {'plads' if left == 1 else 'pladser'} tilbage)"
            choices.append((option.value, text))
        return forms.ChoiceField(
            choices=choices, widget=_RadioWithClosed(closed=frozenset(closed)), **common
        )
    return forms.ChoiceField(
        choices=[(o.value, o.label) for o in options], widget=forms.RadioSelect, **common
    )


class TransferForm(_PersonFields):
    """The colleague who takes the registrant's place."""

    name = forms.CharField(
        label="Kollegaens navn", max_length=200, error_messages=_messages("Kollegaens navn")
    )
    email = forms.EmailField(
        label="Kollegaens e-mail",
        max_length=254,
        validators=[internet_email_for("Kollegaens e-mail")],
        error_messages={
            **_messages("Kollegaens e-mail"),
            "invalid": "Kollegaens e-mail: skriv en gyldig e-mailadresse.",
        },
    )
    workplace = forms.CharField(
        label="Kollegaens arbejdsplads",
        max_length=200,
        error_messages=_messages("Kollegaens arbejdsplads"),
    )
    consent = forms.BooleanField(
        label="Min kollega ved, at jeg giver navn og e-mail videre, og vil gerne deltage i "
        "stedet for mig.",
        error_messages={
            "required": "Samtykke: bekræft, at din kollega ved, at du giver oplysningerne videre."
        },
    )

    field_order = ["name", "email", "workplace", "municipality", "job_role", "consent"]
