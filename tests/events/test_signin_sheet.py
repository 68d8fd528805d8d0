"""The printable sign-in list of a session: a PDF whose text reads back with Danish letters."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.courses.selectors import session_attendees
from events.courses.signin_sheet import pdf_text, signin_sheet_pdf
from home.models import Municipality
from tests.events.conftest import local
from tests.events.registrations import sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2030, 4, 2, 9)


@pytest.fixture
def workshop(event_of, vive):
    event = event_of(
        vive,
        title="Værksted om børns perspektiv",
        event_type="workshop",
        format="physical",
        venue_name="Kulturhuset",
        venue_city="Århus",
        capacity=100,
        sessions=[{"title": "Dag 1", "start": START, "end": START + timedelta(hours=6)}],
    )
    sign_up(event, name="Søren Æbelø", municipality=Municipality.objects.get(code="0751"))
    sign_up(event, name="Åse Kjærgård-Østergaard", workplace="Børne- og Ungeforvaltningen")
    sign_up(event, name="Łukasz Wiśniewski")  # beyond Latin-1: written as Latin letters
    return event


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_list_reads_back_with_danish_letters(workshop):
    session = workshop.sessions.get()
    text = text_of(signin_sheet_pdf(session=session, attendees=session_attendees(session)))
    for expected in (
        "Deltagerliste: Værksted om børns perspektiv",
        "Dag 1",
        "Søren Æbelø",
        "Åse Kjærgård-Østergaard",
        "Aarhus",
        "København",
        "Børne- og Ungeforvaltningen",
        "Lukasz Wisniewski",
        "Underskrift",
        "3 deltagere",
    ):
        assert expected in text


def test_the_list_of_many_runs_over_pages_with_every_name(workshop):
    for n in range(60):
        sign_up(workshop, name=f"Deltager Ø{n:02d}")
    session = workshop.sessions.get()
    reader = PdfReader(
        io.BytesIO(signin_sheet_pdf(session=session, attendees=session_attendees(session)))
    )
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"Deltager Ø{n:02d}" in text for n in range(60))
    assert text.count("Underskrift") == len(reader.pages)  # the heading on every page


def test_the_moderator_downloads_it_from_the_check_in(
    client, vive_moderator, bv_moderator, workshop
):
    session = workshop.sessions.get()
    url = reverse("checkin:signin_sheet", args=[session.pk])
    client.force_login(vive_moderator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Søren Æbelø" in text_of(response.content)
    client.force_login(bv_moderator)
    refused = client.get(url)
    assert refused.status_code == 404 and b"%PDF" not in refused.content
    assert "Søren" not in refused.content.decode()


def test_pdf_text_keeps_latin_1_and_transliterates_the_rest():
    assert pdf_text("Ærø Øst Å é ü") == "Ærø Øst Å é ü"
    assert pdf_text("Łódź Şişli") == "Lódz Sisli"  # ó is Latin-1
