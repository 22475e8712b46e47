"""The company dashboard as a PDF: the page's own figures for the chosen period and cut, for a board
pack or an email attachment.

It draws the `CompanyDashboard` the page itself renders (the same selectors, filter form and
scope), so every number here is the page's. No customer or employee names and no free text: the
score tiles, the trend per day, week or month with a drawn NPS line, and the service paths.
A figure from fewer answers than the company's minimum is marked with an asterisk and explained.

fpdf2 draws it (pure Python from PyPI, as the open-link posters); its core font Helvetica covers
Finnish and Swedish through Latin-1 (apps/core/pdf_text.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF

from apps.core.pdf_text import pdf_latin1
from apps.dashboards.charts import number
from apps.dashboards.selectors import CompanyDashboard
from apps.dashboards.selectors.common import too_few
from apps.metrics.formulas import Scores

_PAGE_WIDTH = 210
_MARGIN = 15
_CONTENT = _PAGE_WIDTH - 2 * _MARGIN
_INK = (22, 32, 43)
_MUTED = (90, 102, 116)
_RULE = (223, 228, 234)
_DEFAULT_ACCENT = (31, 94, 140)
_FEW = "*"


@dataclass(frozen=True)
class ReportHeading:
    company: str
    period: str
    cut: list[str]  # "Service path: Katsastus", ...
    made_on: dt.date
    brand_colour: str = ""


def _colour(hex_colour: str) -> tuple[int, int, int]:
    text = hex_colour.lstrip("#")
    if len(text) != 6:
        return _DEFAULT_ACCENT
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError:
        return _DEFAULT_ACCENT


def _judged(value: float | int | None, *, answers: int, floor: int, digits: int = 0) -> str:
    """The figure as the page shows it; one from too few answers carries the mark the footnote explains."""
    if value is None:
        return number(None)
    text = number(value, digits)
    return f"{text}{_FEW}" if too_few(answers=answers, floor=floor) else text


class _Report(FPDF):
    def __init__(self, *, accent: tuple[int, int, int], footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=(_PAGE_WIDTH, 297))
        self.accent = accent
        self.footer_text = footer_text
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*_MUTED)
        self.cell(_CONTENT / 2, 5, pdf_latin1(self.footer_text))
        self.cell(_CONTENT / 2, 5, str(self.page_no()), align="R")

    def text_line(self, text: str, *, size: float = 10, style: str = "", colour: tuple[int, int, int] = _INK) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*colour)
        self.multi_cell(_CONTENT, size * 0.5, pdf_latin1(text), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        if self.will_page_break(30):  # a heading keeps some of what follows with it
            self.add_page()
        self.ln(4)
        self.set_draw_color(*self.accent)
        self.set_line_width(0.6)
        self.line(_MARGIN, self.get_y(), _MARGIN + 12, self.get_y())
        self.ln(2)
        self.text_line(text, size=13, style="B")
        self.ln(1)

    def table(self, *, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_font("Helvetica", "B", 8.5)
        self.set_text_color(*_MUTED)
        for index, (title, width) in enumerate(zip(header, widths, strict=True)):
            self.cell(width, 6, pdf_latin1(title), align="L" if index == 0 else "R")
        self.ln(6)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        for row in rows:
            if self.will_page_break(6):
                self.add_page()
            self.line(_MARGIN, self.get_y(), _MARGIN + _CONTENT, self.get_y())
            for index, (value, width) in enumerate(zip(row, widths, strict=True)):
                self.cell(width, 6, pdf_latin1(value), align="L" if index == 0 else "R")
            self.ln(6)


def _kpi_tiles(pdf: _Report, dashboard: CompanyDashboard) -> None:
    per_row, gap, height = 3, 4, 30
    width = (_CONTENT - gap * (per_row - 1)) / per_row
    top = pdf.get_y()
    for index, kpi in enumerate(dashboard.kpis):
        column = index % per_row
        if column == 0 and index:
            top += height + gap
            if top + height > pdf.h - 18:
                pdf.add_page()
                top = pdf.get_y()
        x = _MARGIN + column * (width + gap)
        pdf.set_draw_color(*_RULE)
        pdf.set_line_width(0.3)
        pdf.rect(x, top, width, height)
        pdf.set_xy(x + 3, top + 3)
        pdf.set_font("Helvetica", "", 8.5)
        pdf.set_text_color(*_MUTED)
        pdf.cell(width - 6, 4, pdf_latin1(kpi.label))
        pdf.set_xy(x + 3, top + 8)
        pdf.set_font("Helvetica", "B", 16 if not kpi.too_few else 10)
        pdf.set_text_color(*(pdf.accent if not kpi.too_few else _MUTED))
        value = f"{kpi.display}{' ' + kpi.unit if kpi.unit else ''}"
        pdf.cell(width - 6, 8, pdf_latin1(f"{value}{_FEW if kpi.small_sample else ''}"))
        pdf.set_font("Helvetica", "", 7.5)
        pdf.set_text_color(*_MUTED)
        lines = [*kpi.notes[:1], kpi.answers_text]
        if kpi.direction:
            lines.append(_("%(change)s against the period before") % {"change": kpi.delta_display})
        for number_, line in enumerate(lines):
            pdf.set_xy(x + 3, top + 16.5 + number_ * 4)
            pdf.cell(width - 6, 4, pdf_latin1(line))
    if dashboard.kpis:
        pdf.set_xy(_MARGIN, top + height + 2)


def _nps_chart(pdf: _Report, series: list[tuple[dt.date, Scores]], floor: int) -> None:
    """NPS per interval as a line on a -100..100 scale; a point from too few answers is hollow."""
    points = [(day, scores) for day, scores in series]
    if len(points) < 2:
        return
    height, top = 40, pdf.get_y() + 2
    if pdf.will_page_break(height + 10):
        pdf.add_page()
        top = pdf.get_y() + 2
    left, width = _MARGIN + 10, _CONTENT - 10
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(*_MUTED)
    for mark in (100, 0, -100):
        y = top + (100 - mark) / 200 * height
        pdf.line(left, y, left + width, y)
        pdf.set_xy(_MARGIN, y - 2)
        pdf.cell(9, 4, str(mark), align="R")
    step = width / (len(points) - 1)
    pdf.set_draw_color(*pdf.accent)
    pdf.set_fill_color(*pdf.accent)
    pdf.set_line_width(0.6)
    previous: tuple[float, float] | None = None
    for index, (_day, scores) in enumerate(points):
        if scores.nps is None:
            previous = None
            continue
        x, y = left + index * step, top + (100 - float(scores.nps)) / 200 * height
        if previous is not None:
            pdf.line(previous[0], previous[1], x, y)
        few = too_few(answers=scores.nps_n, floor=floor)
        pdf.circle(x=x, y=y, radius=0.9, style="D" if few else "FD")
        previous = (x, y)
    pdf.set_text_color(*_MUTED)
    pdf.set_xy(left, top + height + 1)
    pdf.cell(width / 2, 4, pdf_latin1(formats.date_format(points[0][0], "SHORT_DATE_FORMAT")))
    pdf.cell(width / 2, 4, pdf_latin1(formats.date_format(points[-1][0], "SHORT_DATE_FORMAT")), align="R")
    pdf.set_xy(_MARGIN, top + height + 7)


def trend_rows(dashboard: CompanyDashboard) -> list[list[str]]:
    floor = dashboard.floor
    return [
        [
            # The first interval starts with the period (a short first week holds its days too).
            formats.date_format(dashboard.period.filters.start if index == 0 else day, "SHORT_DATE_FORMAT"),
            number(scores.encounters),
            number(scores.responses),
            _judged(scores.nps, answers=scores.nps_n, floor=floor),
            _judged(scores.csat, answers=scores.csat_n, floor=floor, digits=0),
            _judged(scores.ces, answers=scores.ces_n, floor=floor, digits=2),
            number(scores.response_rate, 0),
        ]
        for index, (day, scores) in enumerate(dashboard.series)
    ]


def path_rows(dashboard: CompanyDashboard) -> list[list[str]]:
    floor = dashboard.floor
    rows = []
    for row in dashboard.paths:
        nps = _judged(row.scores.nps, answers=row.scores.nps_n, floor=floor)
        if row.scores.nps_margin is not None and not too_few(answers=row.scores.nps_n, floor=floor):
            nps = f"{nps} ±{number(row.scores.nps_margin, 0)}"
        rows.append(
            [
                row.path.name,
                str(row.rollup.level.label) if row.rollup else number(None),
                nps,
                number(row.scores.nps_n),
                _judged(row.scores.csat, answers=row.scores.csat_n, floor=floor, digits=0),
                number(row.scores.encounters),
            ]
        )
    return rows


def company_report_heading(*, period: str, cut: list[str], today: dt.date) -> ReportHeading:
    """The heading of the company dashboard's PDF in the company of this request (its name and brand colour)."""
    tenant = connection.tenant
    return ReportHeading(
        company=tenant.name, period=period, cut=cut, made_on=today, brand_colour=getattr(tenant, "brand_colour", "")
    )


def dashboard_pdf(*, dashboard: CompanyDashboard, heading: ReportHeading) -> bytes:
    """The PDF's bytes; call it in the reader's language (labels and number formats follow it)."""
    accent = _colour(heading.brand_colour)
    made = formats.date_format(heading.made_on, "SHORT_DATE_FORMAT")
    pdf = _Report(accent=accent, footer_text=f"{heading.company} \u00b7 {made}")
    pdf.set_title(pdf_latin1(_("%(company)s: customer experience report") % {"company": heading.company}))
    pdf.set_creator("Kokemus")
    pdf.add_page()
    pdf.set_fill_color(*accent)
    pdf.rect(0, 0, _PAGE_WIDTH, 4, style="F")
    pdf.text_line(heading.company, size=10, colour=_MUTED)
    pdf.text_line(_("Customer experience report"), size=20, style="B")
    pdf.text_line(heading.period, size=12)
    for line in heading.cut:
        pdf.text_line(line, size=9.5, colour=_MUTED)
    if dashboard.scoped:
        pdf.text_line(_("The figures cover only your locations."), size=9.5, colour=_MUTED)

    pdf.heading(_("Customer scores"))
    _kpi_tiles(pdf, dashboard)

    pdf.heading(_("Trends"))
    _nps_chart(pdf, dashboard.series, dashboard.floor)
    pdf.table(
        header=[
            pgettext("first day of a period", "From"),
            _("Encounters"),
            _("Answers"),
            _("NPS"),
            _("CSAT %"),
            _("CES"),
            _("Response rate %"),
        ],
        rows=trend_rows(dashboard),
        widths=[40, 22, 22, 22, 22, 22, 30],
    )

    pdf.heading(_("Service paths"))
    if dashboard.paths:
        pdf.table(
            header=[_("Service path"), _("Maturity"), _("NPS"), _("Answers"), _("CSAT %"), _("Encounters")],
            rows=path_rows(dashboard),
            widths=[55, 30, 28, 20, 22, 25],
        )
    else:
        pdf.text_line(_("No service paths yet."), size=9.5, colour=_MUTED)
    pdf.ln(4)
    pdf.text_line(
        _("%(mark)s Too few answers to judge: fewer than %(floor)s, the company's minimum.")
        % {"mark": _FEW, "floor": dashboard.floor},
        size=8.5,
        colour=_MUTED,
    )
    return bytes(pdf.output())


def pdf_response(*, document: bytes, company: str, view: str, today: dt.date) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    name = "-".join(part for part in (slugify(company), view, today.isoformat()) if part)
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
