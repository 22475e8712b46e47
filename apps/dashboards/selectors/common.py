"""Scores as tiles and charts, and the maturity summary, shared by the dashboard pages."""

import datetime as dt
import operator
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dashboards.charts import (
    Chart,
    LevelShares,
    SeriesMetric,
    maturity_distribution_chart,
    maturity_trend_chart,
    number,
    score_trend_chart,
    volume_chart,
)
from apps.dashboards.periods import Period
from apps.maturity.rules import MaturityThresholds, Rollup
from apps.maturity.selectors import (
    MaturityOverview,
    maturity_thresholds,
    maturity_trend_shares,
)
from apps.metrics.formulas import (
    CES_EASY_MIN,
    CSAT_SATISFIED_MIN,
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    NPS_SMALL_SAMPLE,
    SCORE_FIELDS,
    Scores,
)
from apps.metrics.periods import period_start, period_starts
from apps.metrics.selectors import MetricFilter, scores_series
from apps.surveys.models import QUESTION_SCALES, QuestionType
from apps.tenants.selectors import company_day_start

# --- Too few answers to judge --------------------------------------------------------------


def answers_floor() -> int:
    """The company's minimum sample: the answers a touchpoint needs to count as measured (the
    maturity rule's "answers needed"). A figure from fewer answers is shown as too few to judge."""
    return maturity_thresholds().min_answers


def too_few(*, answers: int, floor: int) -> bool:
    """True when there is a figure but from fewer answers than the floor (no answers: nothing to judge)."""
    return 0 < answers < floor


def too_few_text(answers: int) -> str:
    return ngettext("too few to judge (%(count)s answer)", "too few to judge (%(count)s answers)", answers) % {
        "count": number(answers)
    }


# --- Scores as tiles and charts -----------------------------------------------------------


def score_metrics() -> dict[str, SeriesMetric]:
    return {
        "nps": SeriesMetric(
            key="nps",
            label=_("NPS"),
            value=lambda s: s.nps,
            answers=lambda s: s.nps_n,
            y_min=-100,
            y_max=100,
            digits=0,
            band=True,
        ),
        "csat": SeriesMetric(
            key="csat",
            label=_("CSAT"),
            value=lambda s: s.csat,
            answers=lambda s: s.csat_n,
            unit=" %",
            y_min=0,
            y_max=100,
        ),
        "ces": SeriesMetric(
            key="ces",
            label=_("CES"),
            value=lambda s: s.ces,
            answers=lambda s: s.ces_n,
            y_min=QUESTION_SCALES[QuestionType.CES][0],
            y_max=QUESTION_SCALES[QuestionType.CES][1],
            digits=2,
        ),
        "response_rate": SeriesMetric(
            key="response_rate",
            label=_("Response rate"),
            value=lambda s: s.response_rate,
            answers=lambda s: s.invitations_delivered,
            answers_label=_("Delivered invitations"),
            few_note=_("Hollow points: fewer than %(count)s delivered invitations in that period."),
            unit=" %",
            y_min=0,
            y_max=100,
        ),
    }


@dataclass(frozen=True)
class Kpi:
    """One score tile: the value, how it moved against the previous period, and its trend."""

    key: str
    label: str
    value: float | int | None
    display: str
    unit: str
    previous: float | int | None
    delta: float | None
    direction: str  # up, down, flat; "" when there is nothing to compare
    delta_display: str
    answers: int
    answers_text: str
    notes: list[str]
    small_sample: bool
    warning: str
    definition: str
    chart: Chart
    too_few: bool = False


def _span(low: int, high: int) -> str:
    """A closed score range as people write it (9 to 10 with an en dash), from the rules' own constants."""
    return f"{low}\N{EN DASH}{high}"


def _delta(value: float | int | None, previous: float | int | None, digits: int) -> tuple[float | None, str, str]:
    if value is None or previous is None:
        return None, "", ""
    delta = round(float(value) - float(previous), digits)
    direction = "flat" if delta == 0 else ("up" if delta > 0 else "down")
    text = number(abs(delta), digits) if digits else number(int(abs(delta)))
    sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "±")  # a real minus sign
    return delta, direction, f"{sign}{text}"


def _kpi(
    *,
    metric: SeriesMetric,
    scores: Scores,
    previous: Scores,
    points: list[tuple[dt.date, Scores]],
    interval: str,
    dom_prefix: str,
    floor: int,
    target: int | None = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> Kpi:
    value = metric.value(scores)
    previous_value = metric.value(previous)
    delta, direction, delta_display = _delta(value, previous_value, metric.digits)
    answers = metric.answers(scores)
    notes: list[str] = []
    small_sample = False
    warning = ""
    if metric.key == "nps":
        answers_text = ngettext("%(count)s answer", "%(count)s answers", answers) % {"count": number(answers)}
        if scores.nps_margin is not None:
            notes.append(_("±%(margin)s points (95%% margin)") % {"margin": number(scores.nps_margin)})
        small_sample = scores.nps_small_sample
        if small_sample:
            warning = _("Fewer than %(limit)s answers: the margin is wide, read with care.") % {
                "limit": NPS_SMALL_SAMPLE
            }
        definition = _("Promoters (%(promoters)s) minus detractors (%(detractors)s), in percent of the answers.") % {
            "promoters": _span(NPS_PROMOTER_MIN, QUESTION_SCALES[QuestionType.NPS][1]),
            "detractors": _span(QUESTION_SCALES[QuestionType.NPS][0], NPS_DETRACTOR_MAX),
        }
    elif metric.key == "csat":
        answers_text = ngettext("%(count)s answer", "%(count)s answers", answers) % {"count": number(answers)}
        definition = _("Share of answers %(satisfied)s on the %(scale)s satisfaction scale.") % {
            "satisfied": _span(CSAT_SATISFIED_MIN, QUESTION_SCALES[QuestionType.CSAT][1]),
            "scale": _span(*QUESTION_SCALES[QuestionType.CSAT]),
        }
    elif metric.key == "ces":
        answers_text = ngettext("%(count)s answer", "%(count)s answers", answers) % {"count": number(answers)}
        if scores.ces_easy_percent is not None:
            notes.append(
                _("%(share)s %% found it easy (%(easy)s)")
                % {
                    "share": number(scores.ces_easy_percent),
                    "easy": _span(CES_EASY_MIN, QUESTION_SCALES[QuestionType.CES][1]),
                }
            )
        definition = _("Mean of “the company made it easy for me”, %(scale)s: higher is easier.") % {
            "scale": _span(*QUESTION_SCALES[QuestionType.CES])
        }
    else:
        answers_text = _("%(answered)s of %(delivered)s invitations") % {
            "answered": number(scores.invitations_answered),
            "delivered": number(scores.invitations_delivered),
        }
        definition = _("Answered survey invitations per delivered invitation.")
    display = number(value, metric.digits) if not isinstance(value, int) else number(value)
    unit = metric.unit.strip() if value is not None else ""
    # The response rate counts invitations, not answers; the three scores need enough answers.
    few = metric.key != "response_rate" and too_few(answers=answers, floor=floor)
    if few:
        display, unit, notes, small_sample = _("Too few to judge"), "", [], True
        delta, direction, delta_display = None, "", ""
        warning = ngettext(
            "At least %(floor)s answer is needed for a figure to judge by.",
            "At least %(floor)s answers are needed for a figure to judge by.",
            floor,
        ) % {"floor": number(floor)}
    return Kpi(
        key=metric.key,
        label=metric.label,
        value=value,
        display=display,
        unit=unit,
        previous=previous_value,
        delta=delta,
        direction=direction,
        delta_display=delta_display,
        answers=answers,
        answers_text=answers_text,
        notes=notes,
        small_sample=small_sample,
        warning=warning,
        definition=definition,
        chart=score_trend_chart(
            dom_id=f"{dom_prefix}-{metric.key}",
            metric=metric,
            points=points,
            interval=interval,
            target=target if metric.key == "nps" else None,
            span=span,
        ),
        too_few=few,
    )


def _total(items: list[Scores]) -> Scores:
    """The sum of many Scores field by field (adding them up one by one builds an object per step)."""
    if not items:
        return Scores.zero()
    if len(items) == 1:
        return items[0]
    columns = zip(*map(_SCORE_VALUES, items), strict=True)
    return Scores(**dict(zip(SCORE_FIELDS, map(sum, columns), strict=True)))


_SCORE_VALUES = operator.attrgetter(*SCORE_FIELDS)


def period_and_previous(*, filters: MetricFilter, interval: str) -> tuple[Scores, Scores, list[tuple[dt.date, Scores]]]:
    """The period's total, the previous period's, and the period's points per day, week or month
    (chart_period_starts: a first week with fewer than four days of the period joins the next).

    One read of daily scores over both periods (the previous one ends the day before this one
    starts), added up here: sums add up exactly, so these are the figures scores_total and
    scores_series give, in one query instead of three.
    """
    previous_filters = filters.shifted(days=-filters.days)
    both = replace(filters, start=previous_filters.start)
    previous_days: list[Scores] = []
    buckets: dict[dt.date, list[Scores]] = {}
    starts = chart_period_starts(start=filters.start, end=filters.end, interval=interval)
    for point in scores_series(filters=both, interval="day"):
        if point.period_start < filters.start:
            previous_days.append(point.scores)
        else:
            buckets.setdefault(max(period_start(point.period_start, interval), starts[0]), []).append(point.scores)
    points = [(start, _total(buckets.get(start, []))) for start in starts]
    total = _total([scores for _start, scores in points])
    previous = _total(previous_days)
    return total, previous, points


def kpis_build(
    *, period: Period, filters: MetricFilter | None = None, dom_prefix: str = "chart", target: int | None = None
) -> tuple[Scores, list[Kpi], Chart, list[tuple[dt.date, Scores]]]:
    """The period's totals, the four score tiles with their trends, and the volume chart."""
    filters = filters or period.filters
    total, previous, points = period_and_previous(filters=filters, interval=period.interval)
    floor = answers_floor()
    kpis = [
        _kpi(
            metric=metric,
            scores=total,
            previous=previous,
            points=points,
            interval=period.interval,
            dom_prefix=dom_prefix,
            floor=floor,
            target=target,
            span=(filters.start, filters.end),
        )
        for metric in score_metrics().values()
    ]
    volume = volume_chart(
        dom_id=f"{dom_prefix}-volume", points=points, interval=period.interval, span=(filters.start, filters.end)
    )
    return total, kpis, volume, points


def chart_period_starts(*, start: dt.date, end: dt.date, interval: str) -> list[dt.date]:
    """period_starts of the charts: the first day of each day, ISO week or month of start..end,
    except that a first week with fewer than four days in the period (it starts on a Friday,
    Saturday or Sunday) joins the next week, as ISO counts a year's first week: otherwise a
    period starting on a Sunday opens with a one-day week that is nearly always empty."""
    starts = period_starts(start=start, end=end, interval=interval)
    if interval == "week" and len(starts) > 1 and (starts[1] - start).days < 4:
        return starts[1:]
    return starts


# --- Maturity -------------------------------------------------------------------------------


def maturity_trend_build(*, period: Period, path_id: int | None, dom_id: str) -> Chart:
    """The distribution over the period: the last snapshot of each day, week or month."""
    latest: dict[dt.date, Any] = {}
    first = chart_period_starts(start=period.filters.start, end=period.filters.end, interval=period.interval)[0]
    for snapshot in maturity_trend_shares(since=period.filters.start, path_id=path_id):
        if snapshot["taken_on"] > period.filters.end:
            continue
        latest[max(period_start(snapshot["taken_on"], period.interval), first)] = snapshot
    points = [
        LevelShares(
            day=bucket,
            ad_hoc=snapshot["share_ad_hoc"],
            designed=snapshot["share_designed"],
            managed=snapshot["share_managed"],
        )
        for bucket, snapshot in sorted(latest.items())
    ]
    return maturity_trend_chart(dom_id=dom_id, points=points, interval=period.interval)


@dataclass(frozen=True)
class MaturitySummary:
    as_of: dt.date
    rollup: Rollup
    thresholds: MaturityThresholds
    distribution: Chart
    trend: Chart


def maturity_summary_build(*, overview: MaturityOverview, period: Period, path_id: int | None) -> MaturitySummary:
    return MaturitySummary(
        as_of=overview.as_of,
        rollup=overview.company,
        thresholds=overview.thresholds,
        distribution=maturity_distribution_chart(dom_id="chart-maturity-now", rollup=overview.company),
        trend=maturity_trend_build(period=period, path_id=path_id, dom_id="chart-maturity-trend"),
    )


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return company_day_start(period.filters.start), company_day_start(period.filters.end + dt.timedelta(days=1))
