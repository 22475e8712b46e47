"""Chart data for apps/dashboards/static/dashboards/charts.js, built from scores; no ORM here.

Every label is translated here, on the server, so the script holds no text. Each chart
also carries its numbers as a small table: what a screen reader reads, and what shows
when scripts do not run.
"""

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from apps.core.request_memo import memoized_in_scope
from apps.maturity.rules import Level, Rollup
from apps.metrics.formulas import Scores
from apps.metrics.periods import period_end

LEVEL_KEYS = {Level.MANAGED: "managed", Level.DESIGNED: "designed", Level.AD_HOC: "ad_hoc"}
# A point of a score trend from fewer answers than this is drawn hollow, without a margin band:
# one answer in a two-day first week reads as NPS 100 with a margin of zero otherwise.
TREND_FEW_ANSWERS = 5


@dataclass(frozen=True)
class Chart:
    kind: str
    dom_id: str
    data: dict[str, Any]
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: bool = False
    empty_text: str = ""
    note: str = ""

    @property
    def head_html(self) -> str:
        """The fallback table's heading cells, escaped; a loop of template tags per cell costs more than the chart."""
        return mark_safe("".join(f'<th scope="col">{conditional_escape(cell)}</th>' for cell in self.head))  # noqa: S308

    @property
    def rows_html(self) -> str:
        """The fallback table's rows, escaped: the first cell of a row heads it, the others are numbers."""
        rows = []
        for row in self.rows:
            cells = [f'<th scope="row">{conditional_escape(row[0])}</th>'] if row else []
            cells += [f'<td class="num">{conditional_escape(cell)}</td>' for cell in row[1:]]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("".join(rows))  # noqa: S308


def number(value: float | int | Decimal | None, digits: int = 1) -> str:
    """A localised number (decimal comma in Finnish), or a dash for none.

    The text number_format gives, without its per-call format look-ups (a page formats a few
    hundred numbers): only the decimal separator is looked up, once per language.
    """
    if value is None:
        return "\u2013"  # en dash
    if isinstance(value, int):
        return str(value) if not _grouping() else number_format(value, use_l10n=True)
    rounded = round(float(value), digits)
    text = str(rounded)
    if _grouping() or "e" in text or "n" in text:  # thousands grouping, exponents, inf and nan: the long way
        return number_format(rounded, decimal_pos=digits, use_l10n=True)
    whole, _dot, decimals = text.partition(".")
    if not digits:
        return whole
    return whole + _decimal_separator(get_language()) + (decimals[:digits]).ljust(digits, "0")


def _grouping() -> bool:
    return settings.USE_THOUSAND_SEPARATOR


@functools.cache
def _decimal_separator(language: str | None) -> str:
    return get_format("DECIMAL_SEPARATOR", lang=language, use_l10n=True)


def period_label(day: dt.date, interval: str) -> str:
    """A chart's label for the day, ISO week or month starting on `day`."""
    if interval == "week":
        iso = day.isocalendar()
        return _("W%(week)s") % {"week": iso.week}
    if interval == "month":
        return date_format(day, pgettext("chart month label (a Django date format)", "M Y"))
    return date_format(day, pgettext("chart day label (a Django date format)", "M j"))


def period_labels(starts: Sequence[dt.date], interval: str) -> list[str]:
    """period_label of each day, week or month; the charts of one page share them, so a page works them out once."""
    return list(_period_labels(tuple(starts), interval))


@memoized_in_scope
def _period_labels(starts: tuple[dt.date, ...], interval: str) -> list[str]:
    return [period_label(day, interval) for day in starts]


def period_titles(
    starts: Sequence[dt.date], interval: str, span: tuple[dt.date, dt.date] | None
) -> tuple[list[str], list[bool]]:
    """See _period_titles; the score charts of one page share their periods, so a page works them out once."""
    titles, partial = _period_titles(tuple(starts), interval, span)
    return list(titles), list(partial)


@memoized_in_scope
def _period_titles(
    starts: Sequence[dt.date], interval: str, span: tuple[dt.date, dt.date] | None
) -> tuple[list[str], list[bool]]:
    """A tooltip title for each day, week or month, with the days it covers inside the view, and
    whether only part of it does (the first and last week of "the last 90 days" usually)."""
    titles, partial = [], []
    for index, day in enumerate(starts):
        label = period_label(day, interval)
        last = period_end(day, interval)
        first_in, last_in = (max(day, span[0]), min(last, span[1])) if span else (day, last)
        if index == 0 and span:
            # The first point also covers the few days of a short first week before it.
            first_in = span[0]
        if interval == "day":
            titles.append(date_format(day, "DATE_FORMAT"))
            partial.append(False)
            continue
        first_text, last_text = date_format(first_in, "SHORT_DATE_FORMAT"), date_format(last_in, "SHORT_DATE_FORMAT")
        title = f"{label} \u00b7 {first_text}\u2013{last_text}"  # middle dot, en dash
        part = (last_in - first_in) < (last - day)
        if part:
            title += " · " + _("%(days)s of %(total)s days") % {
                "days": (last_in - first_in).days + 1,
                "total": (last - day).days + 1,
            }
        titles.append(title)
        partial.append(part)
    return titles, partial


def level_names() -> dict[str, str]:
    return {key: str(level.label) for level, key in LEVEL_KEYS.items()}


@dataclass(frozen=True)
class SeriesMetric:
    """One score of a score-trend chart: how to read it from Scores and how to draw it."""

    key: str
    label: str
    value: Callable[[Scores], float | int | None]
    answers: Callable[[Scores], int]
    unit: str = ""
    y_min: float | None = None
    y_max: float | None = None
    digits: int = 1
    band: bool = False
    # What `answers` counts, when not answers: its column heading and the note on hollow points.
    answers_label: str = ""
    few_note: str = ""


def score_trend_chart(
    *,
    dom_id: str,
    metric: SeriesMetric,
    points: Sequence[tuple[dt.date, Scores]],
    interval: str,
    target: int | None = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> Chart:
    labels = period_labels([day for day, _scores in points], interval)
    titles, _partial = period_titles([day for day, _scores in points], interval, span)
    values = [metric.value(scores) for _day, scores in points]
    answers = [metric.answers(scores) for _day, scores in points]
    few = [value is not None and count < TREND_FEW_ANSWERS for value, count in zip(values, answers, strict=True)]
    series: dict[str, Any] = {"label": metric.label, "values": values, "answers": answers}
    answers_label = metric.answers_label or _("Answers")
    head = [_("Period"), metric.label, answers_label]
    rows = []
    if metric.band:
        margins = [None if thin else scores.nps_margin for thin, (_day, scores) in zip(few, points, strict=True)]
        # The band stays inside the scale: an NPS of 90 with a margin of 15 cannot reach 105.
        low, high = (
            metric.y_min if metric.y_min is not None else -100,
            metric.y_max if metric.y_max is not None else 100,
        )
        series["low"] = [
            None if v is None or m is None else max(round(v - m, 1), low) for v, m in zip(values, margins, strict=True)
        ]
        series["high"] = [
            None if v is None or m is None else min(round(v + m, 1), high) for v, m in zip(values, margins, strict=True)
        ]
        head.insert(2, _("95% margin"))
        for label, value, margin, count in zip(labels, values, margins, answers, strict=True):
            shown = f"±{number(margin)}" if margin is not None else number(None)
            rows.append([label, number(value, metric.digits), shown, number(count)])
    else:
        for label, value, count in zip(labels, values, answers, strict=True):
            rows.append(
                [label, number(value, metric.digits) + (metric.unit if value is not None else ""), number(count)]
            )
    data = {
        "labels": labels,
        "titles": titles,
        "series": [series],
        "target": target,
        "y_min": metric.y_min,
        "y_max": metric.y_max,
        "unit": metric.unit,
        "digits": metric.digits,
        "few": TREND_FEW_ANSWERS,
        "names": {
            "target": _("Target"),
            "margin": _("95% margin"),
            "answers": answers_label,
            "few": _("too few to read much into"),
        },
    }
    empty = all(value is None for value in values)
    note = ""
    if any(few):
        note = metric.few_note or _(
            "Hollow points: fewer than %(count)s answers in that period, too few to read much into."
        )
        note = note % {"count": TREND_FEW_ANSWERS}
    return Chart(
        kind="score-trend",
        dom_id=dom_id,
        data=data,
        head=head,
        rows=rows,
        empty=empty,
        empty_text=_("No answers in this period."),
        note=note,
    )


def volume_chart(
    *,
    dom_id: str,
    points: Sequence[tuple[dt.date, Scores]],
    interval: str,
    span: tuple[dt.date, dt.date] | None = None,
) -> Chart:
    labels = period_labels([day for day, _scores in points], interval)
    titles, partial = period_titles([day for day, _scores in points], interval, span)
    encounters = [scores.encounters for _day, scores in points]
    answers = [scores.responses for _day, scores in points]
    data = {
        "labels": labels,
        "titles": titles,
        "partial": partial,
        "series": [{"label": _("Encounters"), "values": encounters}, {"label": _("Answers"), "values": answers}],
    }
    rows = [[label, number(e), number(a)] for label, e, a in zip(labels, encounters, answers, strict=True)]
    return Chart(
        kind="volume-bars",
        dom_id=dom_id,
        data=data,
        head=[_("Period"), _("Encounters"), _("Answers")],
        rows=rows,
        empty=not any(encounters) and not any(answers),
        empty_text=_("No encounters or answers in this period."),
        note=_("Lighter bars: only part of that week or month falls in the period.") if any(partial) else "",
    )


def maturity_distribution_chart(*, dom_id: str, rollup: Rollup) -> Chart:
    shares = {LEVEL_KEYS[level]: float(share) for level, share in rollup.shares.items()}
    names = level_names()
    return Chart(
        kind="maturity-distribution",
        dom_id=dom_id,
        data={"shares": shares, "names": names, "unit": " %"},
        head=[_("Level"), _("Share")],
        rows=[[names[key], f"{number(shares[key])} %"] for key in ("managed", "designed", "ad_hoc")],
    )


@dataclass(frozen=True)
class LevelShares:
    """One point of the maturity trend: shares in percent at each level."""

    day: dt.date
    ad_hoc: Decimal
    designed: Decimal
    managed: Decimal


def maturity_trend_chart(*, dom_id: str, points: Sequence[LevelShares], interval: str) -> Chart:
    labels = [period_label(point.day, interval) for point in points]
    shares = {
        "managed": [float(point.managed) for point in points],
        "designed": [float(point.designed) for point in points],
        "ad_hoc": [float(point.ad_hoc) for point in points],
    }
    names = level_names()
    rows = [
        [label, f"{number(point.managed)} %", f"{number(point.designed)} %", f"{number(point.ad_hoc)} %"]
        for label, point in zip(labels, points, strict=True)
    ]
    return Chart(
        kind="maturity-trend",
        dom_id=dom_id,
        data={"labels": labels, "shares": shares, "names": names, "unit": " %"},
        head=[_("Period"), names["managed"], names["designed"], names["ad_hoc"]],
        rows=rows,
        empty=not points,
        empty_text=_("No maturity snapshots in this period yet. A snapshot is taken every night."),
    )


def feeling_scale_labels() -> dict[str, str]:
    return {
        "-2": _("Very unhappy"),
        "-1": _("Unhappy"),
        "0": _("Neutral"),
        "1": _("Pleased"),
        "2": _("Delighted"),
    }


@dataclass(frozen=True)
class CurvePoint:
    label: str
    planned: int
    measured: float | None
    observed: float | None
    is_peak: bool
    is_end: bool


def emotion_curve_chart(*, dom_id: str, points: Sequence[CurvePoint]) -> Chart:
    names = {
        "planned": _("Planned"),
        "measured": _("Customers' answers"),
        "observed": _("Staff's reading"),
        "peak": _("Peak moment"),
        "end": _("End moment"),
    }
    data = {
        "labels": [point.label for point in points],
        "planned": [point.planned for point in points],
        "measured": [point.measured for point in points],
        "observed": [point.observed for point in points],
        "peak": [point.is_peak for point in points],
        "end": [point.is_end for point in points],
        "names": names,
        "scale_labels": feeling_scale_labels(),
    }
    rows = []
    for point in points:
        moment = " · ".join(str(names[key]) for key, on in (("peak", point.is_peak), ("end", point.is_end)) if on)
        rows.append(
            [
                point.label + (f" ({moment})" if moment else ""),
                number(point.planned),
                number(point.measured, 2),
                number(point.observed, 2),
            ]
        )
    return Chart(
        kind="emotion-curve",
        dom_id=dom_id,
        data=data,
        head=[_("Touchpoint"), names["planned"], names["measured"], names["observed"]],
        rows=rows,
        empty=not points,
        empty_text=_("The path has no touchpoints yet."),
    )


@dataclass(frozen=True)
class GapBar:
    label: str
    staff: float | None
    customer: float | None


def gap_bars_chart(*, dom_id: str, bars: Sequence[GapBar]) -> Chart:
    names = {"staff": _("Staff's reading"), "customer": _("Customers' answers")}
    return Chart(
        kind="gap-bars",
        dom_id=dom_id,
        data={
            "labels": [bar.label for bar in bars],
            "staff": [bar.staff for bar in bars],
            "customer": [bar.customer for bar in bars],
            "names": names,
            "scale_labels": feeling_scale_labels(),
        },
        head=["", names["staff"], names["customer"]],
        rows=[[bar.label, number(bar.staff, 2), number(bar.customer, 2)] for bar in bars],
        empty=not bars,
        empty_text=_("No encounters with both a staff reading and a customer answer in this period."),
    )
