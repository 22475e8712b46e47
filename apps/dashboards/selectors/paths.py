"""The path view and the drill-down to one touchpoint."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language

from apps.accounts.models import User
from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.selectors import CaseCounts, case_counts, case_list
from apps.dashboards.charts import (
    Chart,
    CurvePoint,
    emotion_curve_chart,
)
from apps.dashboards.periods import Period
from apps.dashboards.selectors.common import (
    Kpi,
    MaturitySummary,
    answers_floor,
    kpis_build,
    maturity_summary_build,
    period_bounds,
)
from apps.encounters.models import Encounter
from apps.encounters.selectors import encounter_list
from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.journeys.selectors import path_stages, touchpoint_list
from apps.maturity.peak_end import WeakEnding, weak_ending
from apps.maturity.rules import MaturityThresholds
from apps.maturity.selectors import (
    TouchpointMaturity,
    maturity_overview,
    maturity_thresholds,
    touchpoint_maturity_of,
)
from apps.metrics.formulas import Scores
from apps.metrics.selectors import filter_location_ids, scores_by
from apps.surveys.distributions import QuestionDistribution, touchpoint_choice_distributions
from apps.surveys.selectors import Comment, comments_for

DRILL_DOWN_ROWS = 20
DRILL_DOWN_COMMENTS = 10


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
    floor: int
    # A scoped manager's figures cover their locations; the maturity levels stay the company's (labelled).
    scoped: bool = False

    @property
    def cards(self) -> list[TouchpointCard]:
        return [card for stage in self.stages for card in stage.cards]


def path_dashboard(*, path: ServicePath, filters: Period, today: dt.date, user: User) -> PathDashboard | None:
    """One path: its map with the measured experience on each touchpoint, and the weak-ending check."""
    period = filters
    total, kpis, volume, points = kpis_build(period=period)
    # With the default period the maturity window's read of the touchpoints' scores is this same one.
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    overview = maturity_overview(as_of=today, path_id=path.pk)
    maturity = {item.touchpoint.pk: item for item in overview.touchpoints}
    # The overview holds the touchpoints (owners included, in map order) of a path in use; an archived
    # path is shown from its own.
    touchpoints = (
        [item.touchpoint for item in overview.touchpoints]
        if path.archived_at is None
        else list(touchpoint_list(path_id=path.pk, include_archived=True))
    )
    by_stage: dict[int, list[Touchpoint]] = {}
    for touchpoint in touchpoints:
        by_stage.setdefault(touchpoint.stage_id, []).append(touchpoint)
    stages = []
    for number_, stage in enumerate(path_stages(path_id=path.pk), 1):
        cards = [
            TouchpointCard(
                touchpoint=touchpoint,
                maturity=maturity.get(touchpoint.pk),
                scores=by_touchpoint.get(touchpoint.pk, Scores.zero()),
            )
            for touchpoint in by_stage.get(stage.pk, [])
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
        path=path,
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
        cases=case_counts(
            now=timezone.now(),
            touchpoint_ids=[card.touchpoint.pk for card in cards],
            location_ids=filter_location_ids(period.filters),
        ),
        unowned=sum(1 for card in cards if card.touchpoint.owner_id is None),
        floor=answers_floor(),
        scoped=period.filters.scoped,
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
    case_totals: CaseCounts
    encounters: list[Encounter]
    floor: int
    scoped: bool = False
    # The choice and yes/no questions answered here in the view (docs/survey-questions.md); None when the
    # touchpoint has never had such answers (the page leaves the section out).
    choice_answers: list[QuestionDistribution] | None = None


def _cases_for_period(
    *, user: User, touchpoint_id: int, opened_from: dt.datetime, opened_until: dt.datetime, limit: int
) -> list[FollowUpCase]:
    """case_list_for_period's rows (every case still open, most urgent first, then the period's resolved
    ones, newest first) with its two reads as one UNION ALL."""
    # The table names the customer and the assignee; the touchpoint is the page's own (its joins would be
    # compiled twice in the UNION for nothing).
    cases = (
        case_list(user=user, touchpoint_id=touchpoint_id).select_related(None).select_related("customer", "assignee")
    )
    still_open = cases.exclude(status=CaseStatus.RESOLVED).order_by("due_at", "id")[:limit]
    resolved = cases.filter(
        status=CaseStatus.RESOLVED, created_at__gte=opened_from, created_at__lt=opened_until
    ).order_by("-created_at", "-id")[:limit]
    rows = list(still_open.union(resolved, all=True))
    open_rows = sorted((case for case in rows if case.status != CaseStatus.RESOLVED), key=lambda c: (c.due_at, c.pk))
    resolved_rows = sorted(
        (case for case in rows if case.status == CaseStatus.RESOLVED), key=lambda c: (c.created_at, c.pk), reverse=True
    )
    return (open_rows + resolved_rows)[:limit]


def touchpoint_dashboard(*, touchpoint: Touchpoint, filters: Period, today: dt.date, user: User) -> TouchpointDashboard:
    period = filters
    total, kpis, volume, points = kpis_build(period=period, target=touchpoint.target_nps)
    # From the whole company's window reads (not the path's): they need no touchpoint-to-path map.
    maturity = touchpoint_maturity_of(touchpoint=touchpoint, as_of=today)
    since, until = period_bounds(period)
    # The comments and the case counts of the locations the figures cover (the cut within the viewer's scope).
    location_ids = filter_location_ids(period.filters)
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
        comments=comments_for(
            touchpoint_id=touchpoint.pk,
            since=since,
            until=until,
            limit=DRILL_DOWN_COMMENTS,
            location_ids=location_ids,
        ),
        cases=_cases_for_period(
            user=user, touchpoint_id=touchpoint.pk, opened_from=since, opened_until=until, limit=DRILL_DOWN_ROWS
        ),
        case_totals=case_counts(now=timezone.now(), touchpoint_ids=[touchpoint.pk], location_ids=location_ids),
        encounters=list(
            encounter_list(
                user=user,
                touchpoint_id=touchpoint.pk,
                since=since,
                until=until,
                location_id=period.filters.location_id,
                region_id=period.filters.region_id,
            )
            # The table's columns: the touchpoint is the page's own, the path and the place are not shown.
            .select_related(None)
            .select_related("customer", "logged_by")[:DRILL_DOWN_ROWS]
        ),
        floor=answers_floor(),
        scoped=period.filters.scoped,
        choice_answers=touchpoint_choice_distributions(
            touchpoint_id=touchpoint.pk,
            since=since,
            until=until,
            language=get_language() or "fi",
            location_ids=location_ids,
            persona_id=period.filters.persona_id,
            segment_id=period.filters.segment_id,
        ),
    )
