"""The perception gap: staff's reading of the customer against the customer's own answer."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.accounts.selectors import team_by_user_ids
from apps.dashboards.charts import (
    Chart,
    GapBar,
    gap_bars_chart,
)
from apps.dashboards.periods import Period
from apps.dashboards.selectors.common import answers_floor, too_few
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_list
from apps.metrics.formulas import Scores
from apps.metrics.selectors import MetricFilter, scores_by, scores_total

# Perception gap per team only when this many different people contributed: no one can be singled out.
TEAM_MIN_CONTRIBUTORS = 3


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
    floor: int = 0

    @property
    def too_few(self) -> bool:
        """Fewer compared encounters than the company's minimum sample: too few to judge."""
        return too_few(answers=self.pairs, floor=self.floor)

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
    floor: int
    min_contributors: int = TEAM_MIN_CONTRIBUTORS
    notes: list[str] = field(default_factory=list)


def _team_rows(*, filters: MetricFilter, floor: int) -> tuple[list[GapRow], int]:
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
            rows.append(
                GapRow.of(label=names[key], scores=sum(members, Scores.zero()), contributors=len(members), floor=floor)
            )
        else:
            pooled.extend(members)
    rows.sort(key=lambda row: (row.too_few, row.label.lower()))
    hidden = 0
    if len(pooled) >= TEAM_MIN_CONTRIBUTORS:
        rows.append(
            GapRow.of(
                label=_("Smaller teams and people without a team"),
                scores=sum(pooled, Scores.zero()),
                contributors=len(pooled),
                floor=floor,
            )
        )
    else:
        hidden = len(pooled)
    return rows, hidden


def perception_gap(*, filters: Period) -> PerceptionGap:
    period = filters
    floor = answers_floor()
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    total = GapRow.of(label=_("All touchpoints"), scores=scores_total(filters=period.filters), floor=floor)
    touchpoints = {tp.pk: tp for tp in touchpoint_list(include_archived=True)}
    rows = [
        GapRow.of(label=touchpoints[pk].name, scores=scores, touchpoint=touchpoints[pk], floor=floor)
        for pk, scores in by_touchpoint.items()
        if pk in touchpoints and scores.gap_n
    ]
    # The widest gaps first among those that can be judged; then those from too few encounters,
    # most compared first, whatever their gap (one encounter's gap is noise).
    rows.sort(key=lambda row: (1, -row.pairs, row.label) if row.too_few else (0, -abs(row.gap or 0), row.label))
    teams_available = period.filters.persona_id is None and period.filters.segment_id is None
    teams, hidden = _team_rows(filters=period.filters, floor=floor) if teams_available else ([], 0)
    return PerceptionGap(
        period=period,
        total=total,
        touchpoints=rows,
        teams=teams,
        teams_available=teams_available,
        hidden_people=hidden,
        touchpoint_chart=gap_bars_chart(
            dom_id="chart-gap-touchpoints",
            bars=[GapBar(label=row.label, staff=row.staff, customer=row.customer) for row in rows if not row.too_few],
        ),
        team_chart=gap_bars_chart(
            dom_id="chart-gap-teams",
            bars=[GapBar(label=row.label, staff=row.staff, customer=row.customer) for row in teams if not row.too_few],
        ),
        floor=floor,
    )
