"""The current dashboard view as CSV: the numbers the page shows, one row per period, path or touchpoint.

UTF-8 with a byte-order mark so that Excel reads å, ä and ö, in the app's CSV format
(apps/core/csv_export.py): semicolons and a decimal comma unless `?delimiter=comma`.

A score from fewer answers than the company's minimum ("answers needed" in the maturity
settings) is too few to judge: its cell is left empty, as the page shows "too few to judge".
The answer counts stay, and the last column ("Answers needed") gives the minimum, so an empty
score next to a small count reads as too few, and an empty one next to 0 as no answers. In the
perception gap a row's figures are empty when it has fewer compared encounters than that.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.csv_export import CsvFormat
from apps.dashboards.selectors import (
    CompanyDashboard,
    GapRow,
    PathDashboard,
    PerceptionGap,
    TouchpointDashboard,
)
from apps.dashboards.selectors.common import too_few
from apps.dashboards.selectors.locations import LeagueTable, LocationDashboard
from apps.maturity.rules import Level
from apps.metrics.formulas import Scores
from apps.surveys.distributions import QuestionDistribution


def _cell(value: Any, *, csv_format: CsvFormat) -> str:
    if value is None:
        return ""
    if isinstance(value, Level):
        return str(value.label)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", csv_format.decimal_mark)
    return str(value)


def score_header() -> list[str]:
    return [
        _("Section"),
        _("Name"),
        pgettext("first day of a period", "From"),
        pgettext("last day of a period", "To"),
        _("Maturity level"),
        _("Encounters"),
        _("Answers"),
        _("NPS"),
        _("NPS 95% margin"),
        _("NPS answers"),
        _("CSAT %"),
        _("CES"),
        _("CES easy %"),
        _("Response rate %"),
        _("Target NPS"),
        _("CSAT answers"),
        _("CES answers"),
        _("Answers needed"),
    ]


def _judged(value: Any, *, answers: int, floor: int) -> Any:
    """The figure, or None (an empty cell) when it comes from too few answers to judge."""
    return None if too_few(answers=answers, floor=floor) else value


def score_row(
    *,
    section: str,
    name: str,
    start: dt.date,
    end: dt.date,
    scores: Scores,
    floor: int,
    level: Level | None = None,
    target: int | None = None,
) -> list[Any]:
    return [
        section,
        name,
        start.isoformat(),
        end.isoformat(),
        level,
        scores.encounters,
        scores.responses,
        _judged(scores.nps, answers=scores.nps_n, floor=floor),
        _judged(scores.nps_margin, answers=scores.nps_n, floor=floor),
        scores.nps_n,
        _judged(scores.csat, answers=scores.csat_n, floor=floor),
        _judged(scores.ces, answers=scores.ces_n, floor=floor),
        _judged(scores.ces_easy_percent, answers=scores.ces_n, floor=floor),
        scores.response_rate,
        target,
        scores.csat_n,
        scores.ces_n,
        floor,
    ]


def _series_rows(
    *, series: list[tuple[dt.date, Scores]], start: dt.date, end: dt.date, interval: str, floor: int
) -> list[list[Any]]:
    """One row per day, week or month of the charts; the first and last are cut to the period (the
    first starts with the period: it holds the days of a short first week too)."""
    rows = []
    starts = [day for day, _scores in series]
    for index, (day, scores) in enumerate(series):
        following = starts[index + 1] if index + 1 < len(starts) else end + dt.timedelta(days=1)
        rows.append(
            score_row(
                section=_("Period"),
                name=interval_name(interval),
                start=start if index == 0 else day,
                end=min(following - dt.timedelta(days=1), end),
                scores=scores,
                floor=floor,
            )
        )
    return rows


def interval_name(interval: str) -> str:
    return {"day": _("Day"), "week": _("Week"), "month": _("Month")}.get(interval, interval)


def company_rows(dashboard: CompanyDashboard) -> list[list[Any]]:
    filters = dashboard.period.filters
    start, end = filters.start, filters.end
    rows = [score_header()]
    rows.append(
        score_row(
            section=_("Total"),
            name=_("Whole company") if filters.path_id is None else _("Service path"),
            start=start,
            end=end,
            scores=dashboard.total,
            floor=dashboard.floor,
            level=dashboard.maturity.rollup.level,
        )
    )
    rows.extend(
        _series_rows(
            series=dashboard.series, start=start, end=end, interval=dashboard.period.interval, floor=dashboard.floor
        )
    )
    for row in dashboard.paths:
        rows.append(
            score_row(
                section=_("Service path"),
                name=row.path.name,
                start=start,
                end=end,
                scores=row.scores,
                floor=dashboard.floor,
                level=row.rollup.level if row.rollup else None,
            )
        )
    for section, cut in ((_("Buyer persona"), dashboard.personas), (_("Segment"), dashboard.segments)):
        for row in cut:
            rows.append(
                score_row(
                    section=section, name=row.name, start=start, end=end, scores=row.scores, floor=dashboard.floor
                )
            )
    return rows


def path_rows(dashboard: PathDashboard) -> list[list[Any]]:
    filters = dashboard.period.filters
    start, end = filters.start, filters.end
    rows = [score_header()]
    rows.append(
        score_row(
            section=_("Total"),
            name=dashboard.path.name,
            start=start,
            end=end,
            scores=dashboard.total,
            floor=dashboard.floor,
            level=dashboard.maturity.rollup.level,
        )
    )
    rows.extend(
        _series_rows(
            series=dashboard.series, start=start, end=end, interval=dashboard.period.interval, floor=dashboard.floor
        )
    )
    for stage in dashboard.stages:
        rows.append(
            score_row(
                section=_("Stage"),
                name=stage.stage.name,
                start=start,
                end=end,
                scores=stage.scores,
                floor=dashboard.floor,
            )
        )
        for card in stage.cards:
            rows.append(
                score_row(
                    section=_("Touchpoint"),
                    name=card.touchpoint.name,
                    start=start,
                    end=end,
                    scores=card.scores,
                    floor=dashboard.floor,
                    level=card.maturity.level if card.maturity else None,
                    target=card.touchpoint.target_nps,
                )
            )
    return rows


def touchpoint_rows(dashboard: TouchpointDashboard) -> list[list[Any]]:
    filters = dashboard.period.filters
    start, end = filters.start, filters.end
    rows = [score_header()]
    rows.append(
        score_row(
            section=_("Total"),
            name=dashboard.touchpoint.name,
            start=start,
            end=end,
            scores=dashboard.total,
            floor=dashboard.floor,
            level=dashboard.maturity.level if dashboard.maturity else None,
            target=dashboard.touchpoint.target_nps,
        )
    )
    rows.extend(
        _series_rows(
            series=dashboard.series, start=start, end=end, interval=dashboard.period.interval, floor=dashboard.floor
        )
    )
    if dashboard.choice_answers is not None:
        rows.extend(_choice_rows(dashboard.choice_answers, start=start, end=end))
    return rows


def _choice_rows(items: list[QuestionDistribution], *, start: dt.date, end: dt.date) -> list[list[Any]]:
    """The choice and yes/no answers as a second table below the scores (an empty row, its own header): a row
    per option, the yes row of a yes/no question with its 95 % interval."""
    rows: list[list[Any]] = [
        [],
        [
            _("Survey"),
            _("Question"),
            _("Answer"),
            pgettext("first day of a period", "From"),
            pgettext("last day of a period", "To"),
            _("Count"),
            _("Share %"),
            _("Answers"),
            _("95% interval from %"),
            _("95% interval to %"),
        ],
    ]
    for item in items:
        interval = item.yes_interval
        for index, option in enumerate(item.rows):
            low, high = interval if interval is not None and index == 0 else (None, None)
            label = f"{option.label} ({_('hidden option')})" if option.hidden else option.label
            rows.append(
                [
                    item.survey_title,
                    f"{item.question.position}. {item.text}",
                    label,
                    start.isoformat(),
                    end.isoformat(),
                    option.count,
                    option.share,
                    item.answers,
                    low,
                    high,
                ]
            )
    return rows


def perception_rows(gap: PerceptionGap) -> list[list[Any]]:
    filters = gap.period.filters
    header = [
        _("Section"),
        _("Name"),
        pgettext("first day of a period", "From"),
        pgettext("last day of a period", "To"),
        _("Pairs"),
        _("Staff's reading"),
        _("Customers' answers"),
        _("Gap"),
        _("Over-read %"),
        _("Under-read %"),
        _("People"),
        _("Answers needed"),
    ]

    def row(section: str, item: GapRow) -> list[Any]:
        figures = [item.staff, item.customer, item.gap, item.over, item.under]
        if item.too_few:
            figures = [None] * len(figures)
        return [
            section,
            item.label,
            filters.start.isoformat(),
            filters.end.isoformat(),
            item.pairs,
            *figures,
            item.contributors,
            gap.floor,
        ]

    rows = [header, row(_("Total"), gap.total)]
    rows.extend(row(_("Touchpoint"), item) for item in gap.touchpoints)
    rows.extend(row(_("Team"), item) for item in gap.teams)
    return rows


def location_rows(dashboard: LocationDashboard) -> list[list[Any]]:
    filters = dashboard.period.filters
    start, end = filters.start, filters.end
    floor = dashboard.floor
    rows = [score_header()]
    rows.append(
        score_row(
            section=_("Total"), name=dashboard.location.name, start=start, end=end, scores=dashboard.total, floor=floor
        )
    )
    rows.extend(
        _series_rows(series=dashboard.series, start=start, end=end, interval=dashboard.period.interval, floor=floor)
    )
    for section, items in ((_("Touchpoint"), dashboard.touchpoints), (_("Employee"), dashboard.staff)):
        for item in items:
            rows.append(
                score_row(section=section, name=item.name, start=start, end=end, scores=item.scores, floor=floor)
            )
    return rows


def league_rows(table: LeagueTable) -> list[list[Any]]:
    """Ranked rows with their rank ranges, then the rows with too few answers (no rank, no figure)."""
    filters = table.period.filters
    header = [
        _("Rank"),
        _("Best possible rank"),
        _("Worst possible rank"),
        _("Name"),
        pgettext("first day of a period", "From"),
        pgettext("last day of a period", "To"),
        _("NPS"),
        _("NPS 95% margin"),
        _("NPS answers"),
        _("Answers needed"),
    ]
    rows: list[list[Any]] = [header]
    for row in table.league.ranked:
        rows.append(
            [
                row.place,
                row.best_rank,
                row.worst_rank,
                row.name,
                filters.start.isoformat(),
                filters.end.isoformat(),
                row.nps,
                row.margin,
                row.answers,
                table.league.min_answers,
            ]
        )
    for row in table.league.small:
        rows.append(
            [
                None,
                None,
                None,
                row.name,
                filters.start.isoformat(),
                filters.end.isoformat(),
                None,
                None,
                row.answers,
                table.league.min_answers,
            ]
        )
    return rows


def csv_response(
    *, rows: Iterable[list[Any]], csv_format: CsvFormat, company: str, view: str, today: dt.date
) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=csv_format.delimiter, lineterminator="\r\n")
    writer.writerows([_cell(value, csv_format=csv_format) for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = "-".join(part for part in (slugify(company), view, today.isoformat()) if part)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
