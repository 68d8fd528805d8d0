"""The admin's exports open in a Danish office: Excel with a named sheet, a frozen bold heading
row, column widths, Copenhagen times as real date cells; CSV that Danish Excel splits into
columns with æøå intact; Danish values throughout (issue 19, point 1)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import OutboundEmail, Registration
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

SIGNED_UP_AT = datetime(2026, 7, 1, 10, 15, 42, 123456, tzinfo=UTC)  # 12.15 in Copenhagen


def _xlsx(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _csv(response) -> tuple[bytes, list[list[str]]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def signed_up(event_of, vive):
    event = event_of(vive, title="Børnesamtaler i praksis", capacity=1)
    first = sign_up(event, name="Søren Ærø", email="soeren@kommune.example")
    second = sign_up(event, name="Åse Øster", email="aase@kommune.example")
    Registration.objects.filter(pk=first.registration.pk).update(
        created_at=SIGNED_UP_AT, attended=True
    )
    return first, second


def test_the_excel_export_is_a_named_sheet_with_a_frozen_heading_and_local_times(
    client, vive_moderator, signed_up
):
    client.force_login(vive_moderator)
    sheet = _xlsx(client.get(reverse("registrations:index"), {"export": "xlsx"})).active
    assert sheet.title == "Tilmeldinger"
    assert sheet.freeze_panes == "A2"
    headings = [cell.value for cell in sheet[1]]
    assert headings[:3] == ["Arrangement", "Navn", "E-mail"]
    assert all(cell.font.b for cell in sheet[1])
    rows = {
        row[1]: dict(zip(headings, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    soeren, aase = rows["Søren Ærø"], rows["Åse Øster"]
    assert soeren["Tilmeldt"] == datetime(2026, 7, 1, 12, 15)  # Copenhagen, to the minute
    assert (soeren["Status"], aase["Status"]) == ("Bekræftet", "Venteliste")
    assert (soeren["Mødte op"], aase["Mødte op"]) == ("Ja", None)
    created = [c for c in sheet[2] + sheet[3] if isinstance(c.value, datetime)]
    assert created and all(c.number_format == "dd-mm-yyyy hh:mm" for c in created)
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "B", "C")]
    assert all(8 <= width <= 50 for width in widths)
    assert sheet.column_dimensions["A"].width >= len("Børnesamtaler i praksis")


def test_the_csv_export_opens_in_danish_excel_with_its_letters(client, vive_moderator, signed_up):
    client.force_login(vive_moderator)
    response = client.get(reverse("registrations:index"), {"export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body, rows = _csv(response)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    assert rows[0][:3] == ["Arrangement", "Navn", "E-mail"]
    by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["Søren Ærø"]["Tilmeldt"] == "01-07-2026 12:15"
    assert by_name["Søren Ærø"]["Status"] == "Bekræftet"
    assert by_name["Søren Ærø"]["Mødte op"] == "Ja"
    assert by_name["Åse Øster"]["Status"] == "Venteliste"


def test_applications_and_emails_export_as_named_danish_sheets(client, vive_moderator, signed_up):
    client.force_login(vive_moderator)
    applications = _xlsx(client.get(reverse("applications:index"), {"export": "xlsx"})).active
    assert applications.title == "Ansøgninger"
    assert applications.freeze_panes == "A2"
    emails = _xlsx(client.get(reverse("outbound_emails:index"), {"export": "xlsx"})).active
    assert emails.title == "E-mails"
    assert OutboundEmail.objects.exists()
    values = [cell for row in emails.iter_rows(min_row=2, values_only=True) for cell in row]
    assert "confirmed" not in values and "sent" not in values and "pending" not in values
