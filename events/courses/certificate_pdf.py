"""The course certificate as a PDF, drawn with fpdf2 (pure Python, installed by pip alone).

Helvetica holds Latin-1, so every Danish letter (æ ø å Æ Ø Å) is written as it is; anything
beyond it is transliterated by ``pdf_text``, as on the sign-in list. The QR code (segno) leads
to the certificate's public verification page.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import segno
from django.utils import formats, timezone, translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from events.courses.certificates import verification_url
from events.courses.signin_sheet import pdf_text
from events.models import Certificate

SENDER = "Videnscenter om børneinddragelse og udsatte børns liv"


def danish_date(moment: datetime) -> str:
    with translation.override("da"):
        local = timezone.localtime(moment, timezone.get_default_timezone())
        return formats.date_format(local, r"j. F Y")


def hours_text(hours: float) -> str:
    """Danish: "1 time", "2,5 timer"."""
    number = f"{hours:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number} time" if number == "1" else f"{number} timer"


def _line(pdf: FPDF, height: float, text: str) -> None:
    pdf.multi_cell(0, height, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def certificate_pdf(certificate: Certificate) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(pdf_text(f"Kursusbevis: {certificate.course_title}"))
    pdf.set_creator(pdf_text(SENDER))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    _line(pdf, 6, SENDER)
    pdf.ln(14)
    pdf.set_font("Helvetica", "B", 28)
    _line(pdf, 14, "Kursusbevis")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 12)
    _line(pdf, 7, "Det bekræftes hermed, at")
    pdf.set_font("Helvetica", "B", 20)
    _line(pdf, 11, certificate.name or "(navnet er slettet)")
    pdf.set_font("Helvetica", "", 12)
    _line(pdf, 7, "har deltaget i forløbet")
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 9, certificate.course_title)
    pdf.set_font("Helvetica", "", 12)
    _line(pdf, 7, f"arrangeret af {certificate.partners}")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 12)
    _line(pdf, 7, "Sessioner, du har deltaget i")
    pdf.set_font("Helvetica", "", 11)
    total = 0.0
    for session in certificate.sessions:
        label = f"{session['title']}: " if session.get("title") else ""
        hours = session.get("hours")
        if hours:
            total += hours
        suffix = f" ({hours_text(hours)})" if hours else ""
        _line(pdf, 6, f"- {label}{session['when']}{suffix}")
    if total:
        _line(pdf, 6, f"I alt {hours_text(total)}.")
    pdf.ln(8)
    _line(pdf, 6, f"Udstedt {danish_date(certificate.issued_at)}")
    url = verification_url(certificate)
    _line(pdf, 6, f"Kontrolkode: {certificate.code}")
    _line(pdf, 6, f"Kontrollér beviset på {url}")
    qr = BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.ln(4)
    pdf.image(qr, w=35, h=35)
    return bytes(pdf.output())
