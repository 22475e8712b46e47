"""The company view."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.selectors import CaseCounts, case_counts
from apps.dashboards.charts import (
    Chart,
)
from apps.dashboards.periods import Period
from apps.dashboards.selectors.choices import FilterChoices, filter_choices
from apps.dashboards.selectors.common import (
    Kpi,
    MaturitySummary,
    answers_floor,
    kpis_build,
    maturity_summary_build,
    period_bounds,
    too_few,
)
from apps.encounters.models import Encounter
from apps.encounters.selectors import encounter_list
from apps.initiatives.presentation import dashboard_card
from apps.journeys.models import ServicePath, Touchpoint
from apps.maturity.rules import Rollup
from apps.maturity.selectors import (
    maturity_overview,
)
from apps.metrics.formulas import Scores
from apps.metrics.selectors import filter_location_ids, scores_by

RAISED_NOTES = 6
RAISED_NOTE_FIELDS = (
    "id",
    "note",
    "occurred_at",
    "touchpoint_id",
    "touchpoint__name",
    "logged_by_id",
    "logged_by__full_name",
    "logged_by__email",
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
    floor: int
    # Figures by location are not kept per persona or segment: a located view shows no such cut.
    audience_cut: bool = True
    # Touchpoints in view: with none, "every touchpoint has an owner" would be an empty truth.
    touchpoint_count: int = 0
    # A scoped manager's figures cover their locations; the maturity levels stay the company's (labelled).
    scoped: bool = False
    # Running and recent initiatives with their NPS verdicts (apps/initiatives), in one query.
    initiatives: list[dict[str, Any]] = field(default_factory=list)


def _cut_rows(*, scores: dict[int | None, Scores], items: Iterable[Any], none_label: str, floor: int) -> list[CutRow]:
    """Most answers first; a row whose NPS is from too few answers to judge goes after those that can be judged."""
    rows = [CutRow(name=str(item), item=item, scores=scores[item.pk]) for item in items if item.pk in scores]
    rows.sort(key=lambda row: (too_few(answers=row.scores.nps_n, floor=floor), -row.scores.responses, row.name))
    if None in scores:
        rows.append(CutRow(name=none_label, item=None, scores=scores[None]))
    return rows


def company_dashboard(
    *, filters: Period, today: dt.date, user: User, choices: FilterChoices | None = None
) -> CompanyDashboard:
    """The company (or one path, when the filter names one) on one page."""
    period = filters
    choices = choices or filter_choices()
    path_id = period.filters.path_id
    total, kpis, volume, points = kpis_build(period=period)
    overview = maturity_overview(as_of=today, path_id=path_id)
    floor = answers_floor()
    paths = choices.paths
    if path_id is not None:
        paths = [path for path in paths if path.pk == path_id]
    # Each path's scores from its touchpoints' (the touchpoints of paths in use are all in the
    # overview); with the default period the maturity window's read is the same one.
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    by_path: dict[int, Scores] = {}
    unowned_by_path: dict[int, int] = {}
    for item in overview.touchpoints:
        scores = by_touchpoint.get(item.touchpoint.pk)
        if scores is not None:
            by_path[item.path_id] = by_path.get(item.path_id, Scores.zero()) + scores
        if item.touchpoint.owner_id is None:
            unowned_by_path[item.path_id] = unowned_by_path.get(item.path_id, 0) + 1
    unowned = [item.touchpoint for item in overview.touchpoints if item.touchpoint.owner_id is None]
    since, until = period_bounds(period)
    located = period.filters.located
    # Only read when the view names no locations, so without a location, region or scope to keep.
    audience = replace(period.filters, stage_id=None, touchpoint_id=None)
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
            location_ids=filter_location_ids(period.filters),
        ),
        unowned=unowned,
        touchpoint_count=len(overview.touchpoints),
        raised=list(
            encounter_list(
                user=user,
                raised_only=True,
                since=since,
                until=until,
                path_id=path_id,
                location_id=period.filters.location_id,
                region_id=period.filters.region_id,
            )
            # What the card shows of each note: the list's five joined models with every column were a
            # sixth of the page's reads.
            .select_related(None)
            .select_related("touchpoint", "logged_by")
            .only(*RAISED_NOTE_FIELDS)[:RAISED_NOTES]
        ),
        paths=[
            PathRow(
                path=path,
                rollup=overview.paths.get(path.pk),
                scores=by_path.get(path.pk, Scores.zero()),
                unowned=unowned_by_path.get(path.pk, 0),
            )
            for path in paths
        ],
        personas=[]
        if located
        else _cut_rows(
            scores=scores_by(filters=audience, dimension="persona"),
            items=choices.personas,
            none_label=_("No persona"),
            floor=floor,
        ),
        segments=[]
        if located
        else _cut_rows(
            scores=scores_by(filters=audience, dimension="segment"),
            items=choices.segments,
            none_label=_("No segment"),
            floor=floor,
        ),
        floor=floor,
        audience_cut=not located,
        scoped=period.filters.scoped,
        initiatives=dashboard_card(user=user, today=today),
    )
