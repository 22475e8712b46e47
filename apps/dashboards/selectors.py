"""What each dashboard page shows, composed from the metrics, maturity, cases, encounters and maps.

Views stay thin: they validate the filters, call one of these and render. Numbers come
from the roll-ups (apps/metrics) and the maturity rule (apps/maturity); nothing here
counts rows of answers itself.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import team_by_user_ids
from apps.cases.models import FollowUpCase
from apps.cases.selectors import CaseCounts, case_counts, case_list
from apps.customers.selectors import segment_list
from apps.dashboards.charts import (
    Chart,
    CurvePoint,
    GapBar,
    LevelShares,
    SeriesMetric,
    emotion_curve_chart,
    gap_bars_chart,
    maturity_distribution_chart,
    maturity_trend_chart,
    number,
    score_trend_chart,
    volume_chart,
)
from apps.dashboards.forms import Period
from apps.encounters.models import Encounter
from apps.encounters.selectors import encounter_list
from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.journeys.selectors import path_list, path_map_layout, path_with_map, touchpoint_list, touchpoints_unowned
from apps.maturity.peak_end import WeakEnding, weak_ending
from apps.maturity.rules import MaturityThresholds, Rollup
from apps.maturity.selectors import (
    MaturityOverview,
    TouchpointMaturity,
    maturity_overview,
    maturity_thresholds,
    maturity_trend,
    touchpoint_maturity_list,
)
from apps.metrics.formulas import NPS_SMALL_SAMPLE, Scores
from apps.metrics.selectors import MetricFilter, scores_by, scores_series, scores_total
from apps.personas.selectors import persona_list
from apps.surveys.selectors import Comment, comments_for
from apps.tenants.selectors import company_day_start

RAISED_NOTES = 6
DRILL_DOWN_ROWS = 20
DRILL_DOWN_COMMENTS = 10
# Perception gap per team only when this many different people contributed: no one can be singled out.
TEAM_MIN_CONTRIBUTORS = 3


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
            y_min=1,
            y_max=7,
            digits=2,
        ),
        "response_rate": SeriesMetric(
            key="response_rate",
            label=_("Response rate"),
            value=lambda s: s.response_rate,
            answers=lambda s: s.invitations_delivered,
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
    target: int | None = None,
) -> Kpi:
    value = metric.value(scores)
    previous_value = metric.value(previous)
    delta, direction, delta_display = _delta(value, previous_value, metric.digits)
    answers = metric.answers(scores)
    notes: list[str] = []
    small_sample = False
    warning = ""
    if metric.key == "nps":
        answers_text = _("%(count)s answers") % {"count": number(answers)}
        if scores.nps_margin is not None:
            notes.append(_("±%(margin)s points (95%% margin)") % {"margin": number(scores.nps_margin)})
        small_sample = scores.nps_small_sample
        if small_sample:
            warning = _("Fewer than %(limit)s answers: the margin is wide, read with care.") % {
                "limit": NPS_SMALL_SAMPLE
            }
        definition = _("Promoters (9-10) minus detractors (0-6), in percent of the answers.")
    elif metric.key == "csat":
        answers_text = _("%(count)s answers") % {"count": number(answers)}
        definition = _("Share of 4s and 5s on the 1-5 satisfaction scale.")
    elif metric.key == "ces":
        answers_text = _("%(count)s answers") % {"count": number(answers)}
        if scores.ces_easy_percent is not None:
            notes.append(_("%(share)s %% found it easy (5-7)") % {"share": number(scores.ces_easy_percent)})
        definition = _("Mean of “the company made it easy for me”, 1-7: higher is easier.")
    else:
        answers_text = _("%(answered)s of %(delivered)s invitations") % {
            "answered": number(scores.invitations_answered),
            "delivered": number(scores.invitations_delivered),
        }
        definition = _("Answered survey invitations per delivered invitation.")
    display = number(value, metric.digits) if not isinstance(value, int) else number(value)
    return Kpi(
        key=metric.key,
        label=metric.label,
        value=value,
        display=display,
        unit=metric.unit.strip() if value is not None else "",
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
        ),
    )


def kpis_build(
    *, period: Period, filters: MetricFilter | None = None, dom_prefix: str = "chart", target: int | None = None
) -> tuple[Scores, list[Kpi], Chart, list[tuple[dt.date, Scores]]]:
    """The period's totals, the four score tiles with their trends, and the volume chart."""
    filters = filters or period.filters
    total = scores_total(filters=filters)
    previous = scores_total(filters=filters.shifted(days=-filters.days))
    points = [(point.period_start, point.scores) for point in scores_series(filters=filters, interval=period.interval)]
    kpis = [
        _kpi(
            metric=metric,
            scores=total,
            previous=previous,
            points=points,
            interval=period.interval,
            dom_prefix=dom_prefix,
            target=target,
        )
        for metric in score_metrics().values()
    ]
    volume = volume_chart(dom_id=f"{dom_prefix}-volume", points=points, interval=period.interval)
    return total, kpis, volume, points


# --- Maturity -------------------------------------------------------------------------------


def _bucket(day: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def maturity_trend_build(*, period: Period, path_id: int | None, dom_id: str) -> Chart:
    """The distribution over the period: the last snapshot of each day, week or month."""
    latest: dict[dt.date, Any] = {}
    for snapshot in maturity_trend(since=period.filters.start, path_id=path_id):
        if snapshot.taken_on > period.filters.end:
            continue
        latest[_bucket(snapshot.taken_on, period.interval)] = snapshot
    points = [
        LevelShares(
            day=bucket,
            ad_hoc=snapshot.share_ad_hoc,
            designed=snapshot.share_designed,
            managed=snapshot.share_managed,
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


# --- Company view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PathRow:
    path: ServicePath
    rollup: Rollup | None
    scores: Scores
    unowned: int


@dataclass(frozen=True)
class CutRow:
    """Scores of one persona or segment (or of customers without one: `item` None)."""

    name: str
    item: Any
    scores: Scores


@dataclass(frozen=True)
class CompanyDashboard:
    period: Period
    total: Scores
    kpis: list[Kpi]
    volume: Chart
    series: list[tuple[dt.date, Scores]]
    maturity: MaturitySummary
    cases: CaseCounts
    unowned: list[Touchpoint]
    raised: list[Encounter]
    paths: list[PathRow]
    personas: list[CutRow]
    segments: list[CutRow]


def _cut_rows(*, scores: dict[int | None, Scores], items: Iterable[Any], none_label: str) -> list[CutRow]:
    rows = [CutRow(name=str(item), item=item, scores=scores[item.pk]) for item in items if item.pk in scores]
    rows.sort(key=lambda row: (-row.scores.responses, row.name))
    if None in scores:
        rows.append(CutRow(name=none_label, item=None, scores=scores[None]))
    return rows


def _period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return company_day_start(period.filters.start), company_day_start(period.filters.end + dt.timedelta(days=1))


def company_dashboard(*, filters: Period, today: dt.date, user: User) -> CompanyDashboard:
    """The company (or one path, when the filter names one) on one page."""
    period = filters
    path_id = period.filters.path_id
    total, kpis, volume, points = kpis_build(period=period)
    overview = maturity_overview(as_of=today, path_id=path_id)
    paths = list(path_list())
    if path_id is not None:
        paths = [path for path in paths if path.pk == path_id]
    by_path = scores_by(filters=period.filters, dimension="path")
    unowned = list(touchpoints_unowned())
    if path_id is not None:
        unowned = [touchpoint for touchpoint in unowned if touchpoint.stage.path_id == path_id]
    since, until = _period_bounds(period)
    audience = MetricFilter(
        start=period.filters.start,
        end=period.filters.end,
        path_id=path_id,
        persona_id=period.filters.persona_id,
        segment_id=period.filters.segment_id,
    )
    return CompanyDashboard(
        period=period,
        total=total,
        kpis=kpis,
        volume=volume,
        series=points,
        maturity=maturity_summary_build(overview=overview, period=period, path_id=path_id),
        cases=case_counts(
            now=timezone.now(),
            touchpoint_ids=[item.touchpoint.pk for item in overview.touchpoints] if path_id is not None else None,
        ),
        unowned=unowned,
        raised=list(
            encounter_list(user=user, raised_only=True, since=since, until=until, path_id=path_id)[:RAISED_NOTES]
        ),
        paths=[
            PathRow(
                path=path,
                rollup=overview.paths.get(path.pk),
                scores=by_path.get(path.pk, Scores.zero()),
                unowned=path.unowned_count,
            )
            for path in paths
        ],
        personas=_cut_rows(
            scores=scores_by(filters=audience, dimension="persona"),
            items=persona_list(include_archived=True),
            none_label=_("No persona"),
        ),
        segments=_cut_rows(
            scores=scores_by(filters=audience, dimension="segment"),
            items=segment_list(),
            none_label=_("No segment"),
        ),
    )


# --- Path view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointCard:
    touchpoint: Touchpoint
    maturity: TouchpointMaturity | None
    scores: Scores

    @property
    def target_met(self) -> bool | None:
        target, nps = self.touchpoint.target_nps, self.scores.nps
        if target is None or nps is None:
            return None
        return nps >= target


@dataclass(frozen=True)
class StageColumn:
    stage: Stage
    number: int
    cards: list[TouchpointCard]
    scores: Scores


@dataclass(frozen=True)
class PathDashboard:
    path: ServicePath
    period: Period
    total: Scores
    kpis: list[Kpi]
    volume: Chart
    series: list[tuple[dt.date, Scores]]
    maturity: MaturitySummary
    stages: list[StageColumn]
    curve: Chart
    weak_ending: WeakEnding | None
    end_marked: bool
    end_scores: Scores
    rest_scores: Scores
    cases: CaseCounts
    unowned: int

    @property
    def cards(self) -> list[TouchpointCard]:
        return [card for stage in self.stages for card in stage.cards]


def path_dashboard(*, path: ServicePath, filters: Period, today: dt.date, user: User) -> PathDashboard | None:
    """One path: its map with the measured experience on each touchpoint, and the weak-ending check."""
    period = filters
    loaded = path_with_map(path_id=path.pk)
    if loaded is None:
        return None
    layout = path_map_layout(path=loaded)
    total, kpis, volume, points = kpis_build(period=period)
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    overview = maturity_overview(as_of=today, path_id=path.pk)
    maturity = {item.touchpoint.pk: item for item in overview.touchpoints}
    stages = []
    for number_, (stage, touchpoints) in enumerate(layout.stages, 1):
        cards = [
            TouchpointCard(
                touchpoint=touchpoint,
                maturity=maturity.get(touchpoint.pk),
                scores=by_touchpoint.get(touchpoint.pk, Scores.zero()),
            )
            for touchpoint in touchpoints
        ]
        stages.append(
            StageColumn(stage=stage, number=number_, cards=cards, scores=sum((c.scores for c in cards), Scores.zero()))
        )
    cards = [card for stage in stages for card in stage.cards]
    end_scores = sum((c.scores for c in cards if c.touchpoint.is_end), Scores.zero())
    rest_scores = sum((c.scores for c in cards if not c.touchpoint.is_end), Scores.zero())
    curve = emotion_curve_chart(
        dom_id="chart-emotion",
        points=[
            CurvePoint(
                label=card.touchpoint.name,
                planned=card.touchpoint.planned_emotion,
                measured=card.scores.customer_feeling_mean,
                observed=card.scores.end_feeling_mean,
                is_peak=card.touchpoint.is_peak,
                is_end=card.touchpoint.is_end,
            )
            for card in cards
        ],
    )
    return PathDashboard(
        path=loaded,
        period=period,
        total=total,
        kpis=kpis,
        volume=volume,
        series=points,
        maturity=maturity_summary_build(overview=overview, period=period, path_id=path.pk),
        stages=stages,
        curve=curve,
        weak_ending=weak_ending(
            end_feeling=end_scores.customer_feeling_mean,
            rest_feeling=rest_scores.customer_feeling_mean,
            end_nps=end_scores.nps,
            rest_nps=rest_scores.nps,
            end_answers=end_scores.responses,
            rest_answers=rest_scores.responses,
        ),
        end_marked=any(card.touchpoint.is_end for card in cards),
        end_scores=end_scores,
        rest_scores=rest_scores,
        cases=case_counts(now=timezone.now(), touchpoint_ids=[card.touchpoint.pk for card in cards]),
        unowned=sum(1 for card in cards if card.touchpoint.owner_id is None),
    )


# --- Touchpoint drill-down -------------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointDashboard:
    touchpoint: Touchpoint
    period: Period
    total: Scores
    kpis: list[Kpi]
    volume: Chart
    series: list[tuple[dt.date, Scores]]
    maturity: TouchpointMaturity | None
    thresholds: MaturityThresholds
    as_of: dt.date
    comments: list[Comment]
    cases: list[FollowUpCase]
    encounters: list[Encounter]


def touchpoint_dashboard(*, touchpoint: Touchpoint, filters: Period, today: dt.date, user: User) -> TouchpointDashboard:
    period = filters
    total, kpis, volume, points = kpis_build(period=period, target=touchpoint.target_nps)
    items = touchpoint_maturity_list(as_of=today, path_id=touchpoint.stage.path_id)
    maturity = next((item for item in items if item.touchpoint.pk == touchpoint.pk), None)
    since, until = _period_bounds(period)
    return TouchpointDashboard(
        touchpoint=touchpoint,
        period=period,
        total=total,
        kpis=kpis,
        volume=volume,
        series=points,
        maturity=maturity,
        thresholds=maturity_thresholds(),
        as_of=today,
        comments=comments_for(touchpoint_id=touchpoint.pk, since=since, until=until, limit=DRILL_DOWN_COMMENTS),
        cases=list(case_list(user=user, touchpoint_id=touchpoint.pk).order_by("-created_at")[:DRILL_DOWN_ROWS]),
        encounters=list(
            encounter_list(user=user, touchpoint_id=touchpoint.pk, since=since, until=until)[:DRILL_DOWN_ROWS]
        ),
    )


# --- Perception gap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    """Staff's reading of the customer at the end of encounters against the customer's own answer."""

    label: str
    pairs: int
    staff: float | None
    customer: float | None
    gap: float | None
    over: float | None
    under: float | None
    touchpoint: Touchpoint | None = None
    contributors: int | None = None

    @classmethod
    def of(cls, *, label: str, scores: Scores, **extra: Any) -> "GapRow":
        pairs = scores.gap_n
        return cls(
            label=label,
            pairs=pairs,
            staff=_mean(Decimal(scores.gap_staff_sum), pairs),
            customer=_mean(scores.gap_customer_sum, pairs),
            gap=scores.gap_mean,
            over=scores.gap_over_percent,
            under=scores.gap_under_percent,
            **extra,
        )


def _mean(total: Decimal, count: int) -> float | None:
    return None if count == 0 else round(float(total / count), 2)


@dataclass(frozen=True)
class PerceptionGap:
    period: Period
    total: GapRow
    touchpoints: list[GapRow]
    teams: list[GapRow]
    teams_available: bool
    hidden_people: int
    touchpoint_chart: Chart
    team_chart: Chart
    min_contributors: int = TEAM_MIN_CONTRIBUTORS
    notes: list[str] = field(default_factory=list)


def _team_rows(*, filters: MetricFilter) -> tuple[list[GapRow], int]:
    """Rows per team with enough contributors; smaller groups pooled, or left out when still too small."""
    by_employee = {pk: s for pk, s in scores_by(filters=filters, dimension="employee").items() if pk and s.gap_n}
    teams = team_by_user_ids(user_ids=list(by_employee))
    groups: dict[Any, list[Scores]] = defaultdict(list)
    names: dict[Any, str] = {}
    for user_id, scores in by_employee.items():
        team = teams.get(user_id)
        key = team.pk if team else None
        names[key] = team.name if team else _("No team")
        groups[key].append(scores)
    rows, pooled = [], []
    for key, members in groups.items():
        if len(members) >= TEAM_MIN_CONTRIBUTORS and key is not None:
            rows.append(GapRow.of(label=names[key], scores=sum(members, Scores.zero()), contributors=len(members)))
        else:
            pooled.extend(members)
    rows.sort(key=lambda row: row.label.lower())
    hidden = 0
    if len(pooled) >= TEAM_MIN_CONTRIBUTORS:
        rows.append(
            GapRow.of(
                label=_("Smaller teams and people without a team"),
                scores=sum(pooled, Scores.zero()),
                contributors=len(pooled),
            )
        )
    else:
        hidden = len(pooled)
    return rows, hidden


def perception_gap(*, filters: Period) -> PerceptionGap:
    period = filters
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    total = GapRow.of(label=_("All touchpoints"), scores=scores_total(filters=period.filters))
    touchpoints = {tp.pk: tp for tp in touchpoint_list(include_archived=True)}
    rows = [
        GapRow.of(label=touchpoints[pk].name, scores=scores, touchpoint=touchpoints[pk])
        for pk, scores in by_touchpoint.items()
        if pk in touchpoints and scores.gap_n
    ]
    rows.sort(key=lambda row: (-(abs(row.gap or 0)), row.label))
    teams_available = period.filters.persona_id is None and period.filters.segment_id is None
    teams, hidden = _team_rows(filters=period.filters) if teams_available else ([], 0)
    return PerceptionGap(
        period=period,
        total=total,
        touchpoints=rows,
        teams=teams,
        teams_available=teams_available,
        hidden_people=hidden,
        touchpoint_chart=gap_bars_chart(
            dom_id="chart-gap-touchpoints",
            bars=[GapBar(label=row.label, staff=row.staff, customer=row.customer) for row in rows],
        ),
        team_chart=gap_bars_chart(
            dom_id="chart-gap-teams",
            bars=[GapBar(label=row.label, staff=row.staff, customer=row.customer) for row in teams],
        ),
    )
