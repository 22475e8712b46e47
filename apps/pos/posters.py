"""The printable poster of an open link: A4 or A5, with the company's name, the question, the QR
code and the short link, in Finnish, Swedish or English.

fpdf2 draws it: pure Python, installs from PyPI with nothing from the system (its only binary
dependency, Pillow, comes as a wheel), and is small; reportlab would do as well but is a larger
toolkit than one page needs. The QR code is segno's matrix drawn as vector squares, so it prints
sharp at any size, with the standard four-module quiet zone.

The page uses the PDF core font (Helvetica), whose Latin-1 covers Finnish and Swedish; a character
outside it (an emoji in a company name) is replaced rather than failing the download.
"""

import segno
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.pdf_text import pdf_latin1 as _latin1
from apps.pos.models import OpenLink
from apps.pos.selectors import touchpoint_open_survey
from apps.surveys.models import QuestionType

# Millimetres; fpdf2 warns when the "A5" name is used, as its dimensions were fixed in 2.8.5.
PAGE_SIZES = {"a4": (210, 297), "a5": (148, 210)}
_QUIET_ZONE = 4


def poster_qr(url: str) -> segno.QRCode:
    """The QR code of a poster: error correction M at least (segno raises it when the size allows),
    which survives a scratched or partly covered print."""
    return segno.make_qr(url, error="m", boost_error=True)


def poster_pdf(
    *, company: str, question: str, url: str, short_url: str, code: str, place: str, size: str, language: str
) -> bytes:
    """The poster as PDF bytes. `url` goes into the QR code; `short_url` is printed for typing."""
    # fpdf2 is imported when a poster is drawn, not with the URLconf: with its fonts it is a third of
    # a second of every process's start that loads the URLs (web workers, `migrate`'s checks).
    from fpdf import FPDF

    scale = 1.0 if size == "a4" else 0.707  # A5 is A4 at 1/sqrt(2)
    pdf = FPDF(orientation="portrait", unit="mm", format=PAGE_SIZES[size])
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(15 * scale, 15 * scale, 15 * scale)
    pdf.set_title(_latin1(company))
    pdf.set_creator("Kokemus")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    with translation.override(language):
        pdf.set_font("Helvetica", "B", 22 * scale)
        pdf.set_y(20 * scale)
        pdf.multi_cell(width, 10 * scale, _latin1(company), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8 * scale)
        pdf.set_font("Helvetica", "B", 26 * scale)
        pdf.multi_cell(width, 12 * scale, _latin1(question), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8 * scale)

        qr = poster_qr(url)
        side = 110 * scale
        modules = qr.symbol_size(border=_QUIET_ZONE)[0]
        module = side / modules
        left, top = (pdf.w - side) / 2, pdf.get_y()
        pdf.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(qr.matrix_iter(border=_QUIET_ZONE)):
            for column_index, dark in enumerate(row):
                if dark:
                    pdf.rect(left + column_index * module, top + row_index * module, module, module, style="F")
        pdf.set_y(top + side + 6 * scale)

        pdf.set_font("Helvetica", "", 16 * scale)
        pdf.multi_cell(
            width,
            8 * scale,
            _latin1(_("Scan the code with your phone's camera, or go to")),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Courier", "B", 20 * scale)
        pdf.multi_cell(width, 10 * scale, _latin1(short_url), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 12 * scale)
        pdf.ln(2 * scale)
        pdf.multi_cell(
            width, 6 * scale, _latin1(_("Code: %(code)s") % {"code": code}), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_y(pdf.h - 28 * scale)
        pdf.set_font("Helvetica", "", 11 * scale)
        pdf.set_text_color(80, 80, 80)
        pdf.multi_cell(
            width,
            5 * scale,
            _latin1(_("Answering takes a minute and is anonymous unless you leave your contact details.")),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if place:
            pdf.multi_cell(width, 5 * scale, _latin1(place), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def open_link_poster(*, link: OpenLink, company: str, url: str, size: str, language: str) -> bytes | None:
    """The poster of `link` (its absolute `url`), or None when its touchpoint has no active follow-up
    survey. The question is the survey's NPS question, else its first, else its title."""
    survey = touchpoint_open_survey(touchpoint=link.touchpoint)
    if survey is None:
        return None
    questions = survey.questions.order_by("position")
    chosen = questions.filter(type=QuestionType.NPS).first() or questions.first()
    question = chosen.text(language) if chosen else survey.text("title", language)
    place = " · ".join(part for part in (link.touchpoint.name, link.location.name if link.location else "") if part)
    return poster_pdf(
        company=company,
        question=question,
        url=url,
        short_url=url.split("://", 1)[-1].rstrip("/"),
        code=link.code,
        place=place,
        size=size,
        language=language,
    )
