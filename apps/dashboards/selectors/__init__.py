"""What each dashboard page shows, composed from the metrics, maturity, cases, encounters and maps.

Views stay thin: they validate the filters, call one of these and render. Numbers come
from the roll-ups (apps/metrics) and the maturity rule (apps/maturity); nothing here
counts rows of answers itself.
"""

from apps.dashboards.selectors.common import Kpi, MaturitySummary, kpis_build, score_metrics
from apps.dashboards.selectors.company import CompanyDashboard, CutRow, PathRow, company_dashboard
from apps.dashboards.selectors.paths import (
    PathDashboard,
    StageColumn,
    TouchpointCard,
    TouchpointDashboard,
    path_dashboard,
    touchpoint_dashboard,
)
from apps.dashboards.selectors.perception import TEAM_MIN_CONTRIBUTORS, GapRow, PerceptionGap, perception_gap

__all__ = [
    "TEAM_MIN_CONTRIBUTORS",
    "CompanyDashboard",
    "CutRow",
    "GapRow",
    "Kpi",
    "MaturitySummary",
    "PathDashboard",
    "PathRow",
    "PerceptionGap",
    "StageColumn",
    "TouchpointCard",
    "TouchpointDashboard",
    "company_dashboard",
    "kpis_build",
    "path_dashboard",
    "perception_gap",
    "score_metrics",
    "touchpoint_dashboard",
]
