"""Spreadsheets a Danish office opens: the admin's CSV and Excel exports, on Wagtail's own list
export (``SpreadsheetExportMixin``), made Danish.

- Excel: a named sheet, the heading row bold and frozen, columns as wide as their contents
  (within reason), times as real date cells in Copenhagen time (Wagtail writes them in UTC),
  to the minute.
- CSV: what Danish Excel opens into columns with æøå intact: UTF-8 with a byte order mark,
  fields separated by ``;``, times as ``31-12-2026 14:30``, decimals with a comma.
- In both, a choice is written by its Danish label (``Bekræftet``, not ``confirmed``) and a
  yes/no as ``Ja``/``Nej``; formula neutralisation stays with each view
  (``events.registrations.exports.spreadsheet_safe``), and Excel never reads a text as a formula.
- ``export_value`` gives a column's value of an item (a dotted path, as Wagtail's); a view
  with columns of its own (one per question) overrides it.
"""

from __future__ import annotations

import csv
import datetime
from collections import OrderedDict
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin
from wagtail.coreutils import multigetattr

CSV_DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff".encode()  # Wagtail's Echo writer gives bytes
DATE_TIME_FORMAT = "dd-mm-yyyy hh:mm"
DATE_FORMAT = "dd-mm-yyyy"
MIN_WIDTH, MAX_WIDTH = 8, 50
YES, NO = "Ja", "Nej"


def local_moment(value: datetime.datetime) -> datetime.datetime:
    """A moment as the centre's wall clock shows it, to the minute, without a zone (Excel has
    none)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _csv_moment(value: datetime.datetime) -> str:
    return local_moment(value).strftime("%d-%m-%Y %H:%M")


def _csv_date(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


def _csv_decimal(value: float | Decimal) -> str:
    return str(value).replace(".", ",")  # Danish Excel reads "50,0" as a number, "50.0" not


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _choice_labels(model: type[Model], path: str) -> dict[Any, str] | None:
    """The Danish labels of a choice field named by ``path`` (``status``, ``event.event_type``)."""
    *relations, name = path.split(".")
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None
    choices = getattr(field, "flatchoices", None)
    return {value: str(label) for value, label in choices} if choices else None


class DanishSpreadsheetMixin:
    """Put before Wagtail's index or report view in the bases; ``export_sheet_title`` names the
    sheet (default: the file name)."""

    export_sheet_title = ""

    FORMAT_XLSX = SpreadsheetExportMixin.FORMAT_XLSX
    FORMAT_CSV = SpreadsheetExportMixin.FORMAT_CSV
    custom_value_preprocess = {
        bool: {FORMAT_XLSX: _yes_no, FORMAT_CSV: _yes_no},
        datetime.datetime: {FORMAT_XLSX: local_moment, FORMAT_CSV: _csv_moment},
        datetime.date: {FORMAT_XLSX: None, FORMAT_CSV: _csv_date},
        datetime.time: {FORMAT_XLSX: None},
        (float, Decimal): {FORMAT_XLSX: None, FORMAT_CSV: _csv_decimal},
        list: SpreadsheetExportMixin.custom_value_preprocess[list],  # Wagtail's own
    }

    def _labels(self, model: type[Model]) -> dict[str, dict[Any, str] | None]:
        cached = getattr(self, "_choice_labels_cache", None)
        if cached is None:
            cached = {path: _choice_labels(model, path) for path in self.list_export}
            self._choice_labels_cache = cached
        return cached

    def export_value(self, item: Any, field: str) -> Any:
        return multigetattr(item, field)

    def to_row_dict(self, item: Any) -> OrderedDict:
        row = OrderedDict((field, self.export_value(item, field)) for field in self.list_export)
        if isinstance(item, Model):
            labels = self._labels(type(item))
            for path, value in row.items():
                choices = labels.get(path)
                if choices and isinstance(value, str | int) and value in choices:
                    row[path] = choices[value]
        return row

    def stream_csv(self, queryset: QuerySet):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=CSV_DELIMITER)
        headings = {field: self.get_heading(queryset, field) for field in self.list_export}
        yield BYTE_ORDER_MARK + writer.writerow(headings)
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_response(self, queryset: QuerySet):
        response = super().write_csv_response(queryset)  # type: ignore[misc]
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def write_xlsx(self, queryset: QuerySet, output: BytesIO) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        title = self.export_sheet_title or capfirst(self.get_filename())
        sheet.title = str(title)[:31]  # Excel's limit
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(heading)) for heading in headings]
        for item in queryset:
            row = self.to_row_dict(item)
            values = [
                self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                for field, value in row.items()
            ]
            sheet.append(values)
            for column, value in enumerate(values):
                cell = sheet.cell(row=sheet.max_row, column=column + 1)
                if cell.data_type == "f":  # a text that looks like a formula stays a text
                    cell.data_type = "s"
                if isinstance(value, datetime.datetime):
                    cell.number_format = DATE_TIME_FORMAT
                    widths[column] = max(widths[column], len(DATE_TIME_FORMAT))
                elif isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                    widths[column] = max(widths[column], len(DATE_FORMAT))
                elif value is not None:
                    widths[column] = max(widths[column], len(str(value)))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        sheet.freeze_panes = "A2"
        workbook.save(output)
