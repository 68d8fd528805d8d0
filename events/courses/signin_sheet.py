"""The printable sign-in list of one session: a PDF with names, municipality, workplace and a
column to sign in, drawn with fpdf2 (pure Python, installed by pip alone).

fpdf2's built-in Helvetica holds Latin-1, which is every Danish letter (æ ø å Æ Ø Å) and the
accents of Western Europe; a character beyond it (a Polish Ł, a Turkish ş) is written as its
nearest Latin letters (``anyascii``, which Wagtail already brings) rather than dropped, so the
list never fails on a name and needs no font file.
"""

from __future__ import annotations

from anyascii import anyascii
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from events.courses.selectors import Attendee
from events.mail.compose import format_when
from events.models import EventSession

COLUMNS = (("Navn", 56), ("Kommune", 30), ("Arbejdsplads", 52), ("Underskrift", 52))
ROW_HEIGHT = 11


def pdf_text(text: str) -> str:
    """``text`` in what the PDF's font can show: Latin-1 as it is, the rest transliterated."""
    out = []
    for char in text:
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            char = anyascii(char) or "?"
        out.append(char)
    return "".join(out)


class _Sheet(FPDF):
    def __init__(self, heading: str, subheading: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.heading = heading
        self.subheading = subheading
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(pdf_text(heading))
        self.set_creator("Videnscenter om børneinddragelse")

    def header(self) -> None:
        self.set_font("Helvetica", "B", 14)
        self.multi_cell(0, 7, pdf_text(self.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 5, pdf_text(self.subheading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font("Helvetica", "B", 10)
        self.set_fill_color(230, 236, 242)
        for label, width in COLUMNS:
            self.cell(width, 8, label, border=1, fill=True)
        self.ln()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"Side {self.page_no()}/{{nb}}", align="C")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut ``text`` to the column's width, with an ellipsis when it was longer."""
    text = pdf_text(text)
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text + "..."


def signin_sheet_pdf(*, session: EventSession, attendees: list[Attendee]) -> bytes:
    """The session's sign-in list, one row per person, in name order."""
    event = session.event
    heading = f"Deltagerliste: {event.title}"
    when = format_when(session)
    subheading = f"{session.title + ': ' if session.title else ''}{when}"
    where = session.effective_location(event)
    if where:
        subheading += f"\n{where}"
    printed = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    subheading += f"\nUdskrevet {printed:%d.%m.%Y kl. %H.%M} - {len(attendees)} deltagere"
    pdf = _Sheet(heading, subheading)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for attendee in attendees:
        values = (
            attendee.person.name or "(anonymiseret)",
            attendee.municipality,
            attendee.workplace,
            "",
        )
        for (_label, width), value in zip(COLUMNS, values, strict=True):
            pdf.cell(width, ROW_HEIGHT, _fit(pdf, value, width), border=1)
        pdf.ln()
    return bytes(pdf.output())
