"""What the registrations admin exports: the fixed columns, one column per question of the
exported registrations' events, and spreadsheet formulas neutralised in every cell."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from events.models import QuestionKind, Registration, RegistrationAnswer
from events.registrations.selectors import answer_columns

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


EXPORT_FIELDS = [
    "event.title",
    "name",
    "email",
    "phone",
    "workplace",
    "municipality.name",
    "job_role.name",
    "status",
    "waiting_position",
    "participants",
    "attended",
    "accessibility_needs",
    "created_at",
]
EXPORT_HEADINGS = {
    "event.title": _("Arrangement"),
    "name": _("Navn"),
    "email": _("E-mail"),
    "phone": _("Telefon"),
    "workplace": _("Arbejdsplads"),
    "municipality.name": _("Kommune"),
    "job_role.name": _("Stillingsgruppe"),
    "status": _("Status"),
    "waiting_position": _("Nummer på ventelisten"),
    "participants": _("Deltagere"),
    "attended": _("Mødte op"),
    "accessibility_needs": _("Hensyn"),
    "created_at": _("Tilmeldt"),
    "unit": _("Enhed"),
    "manager_name": _("Leder"),
    "manager_email": _("Lederens e-mail"),
    "manager_confirmed_at": _("Ledelsen bekræftede"),
    "members": _("Navngivne deltagere"),
}

# The applications' export: the named participants, one line each in one cell.
MEMBERS_COLUMN = "members"

# An answer's column in ``list_export``: the prefix and the question's key.
ANSWER_COLUMN = "answer:"


def answer_cell(answer: RegistrationAnswer | None) -> Any:
    """An answer as a spreadsheet cell: a number as a number, a date as a date, yes/no as a
    boolean (written "Ja"/"Nej"), anything else as its readable text (option labels)."""
    if answer is None:
        return ""
    if answer.kind == QuestionKind.NUMBER and isinstance(answer.value, int | float):
        return answer.value
    if answer.kind == QuestionKind.DATE and isinstance(answer.value, str):
        try:
            return date.fromisoformat(answer.value)
        except ValueError:
            return answer.text
    if answer.kind == QuestionKind.YES_NO and isinstance(answer.value, bool):
        return answer.value
    return answer.text


def member_lines(registration: Registration) -> list[str]:
    """Each named participant as a coordinator reads them: name, address, needs, answers."""
    lines = []
    for member in registration.members.all():
        parts = [f"{member.name} <{member.email}>"]
        if member.needs:
            parts.append(f"{_('Hensyn')}: {member.needs}")
        parts += [f"{answer.label}: {answer.text}" for answer in member.answers.all()]
        lines.append(" – ".join(parts))
    return lines


def _members_answer_cell(registration: Registration, key: str) -> str:
    """A question asked per participant: each member's answer, by name, one per line."""
    return "\n".join(
        f"{member.name}: {answer.text}"
        for member in registration.members.all()
        for answer in member.answers.all()
        if answer.key == key
    )


class AnswerColumnsMixin:
    """For a registrations index view with ``DanishSpreadsheetMixin``: the export gets one
    column per question (``answer_columns``); every cell still passes the view's
    ``preprocess_field_value``, where formulas are neutralised."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        columns = answer_columns(queryset)
        base = [field for field in self.list_export if not field.startswith(ANSWER_COLUMN)]
        self.list_export = [*base, *(ANSWER_COLUMN + key for key in columns)]
        self.export_headings = {
            **self.export_headings,
            **{ANSWER_COLUMN + key: label for key, label in columns.items()},
        }
        return super().as_spreadsheet(
            queryset.prefetch_related("answers", "members__answers"), spreadsheet_format
        )

    def export_value(self, item: Any, field: str) -> Any:
        if field.startswith(ANSWER_COLUMN):
            key = field.removeprefix(ANSWER_COLUMN)
            own = next((a for a in item.own_answers() if a.key == key), None)
            if own is None and item.participants > 1:
                return _members_answer_cell(item, key)
            return answer_cell(own)
        if field == MEMBERS_COLUMN:
            return "\n".join(member_lines(item))
        return super().export_value(item, field)
