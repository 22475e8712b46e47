"""The company view."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.selectors import CaseCounts, case_counts
from apps.customers.selectors import segment_list
from apps.dashboards.charts import (
    Chart,
)
from apps.dashboards.forms import Period
from apps.dashboards.selectors.common import Kpi, MaturitySummary, kpis_build, maturity_summary_build, period_bounds
from apps.encounters.models import Encounter
from apps.encounters.selectors import encounter_list
from apps.journeys.models import ServicePath, Touchpoint
from apps.journeys.selectors import path_list, touchpoints_unowned
from apps.maturity.rules import Rollup
from apps.maturity.selectors import (
    maturity_overview,
)
from apps.metrics.formulas import Scores
from apps.metrics.selectors import MetricFilter, scores_by
from apps.personas.selectors import persona_list

RAISED_NOTES = 6


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
    since, until = period_bounds(period)
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
