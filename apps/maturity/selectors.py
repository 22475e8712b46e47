"""Reads: each touchpoint's level with its evidence, the path and company roll-ups, the trend.

The evidence comes from the roll-ups (answers, NPS and encounter volume in the
window), the follow-up cases and the map itself; the rule is `rules.py`.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from apps.cases.selectors import cases_late_by_touchpoint
from apps.core.request_memo import memoized_in_scope
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_list
from apps.maturity.models import MaturitySettings, MaturitySnapshot, TouchpointLevel
from apps.maturity.rules import (
    Assessment,
    Level,
    MaturityThresholds,
    Rollup,
    TouchpointEvidence,
    maturity_rollup,
    touchpoint_level,
    touchpoint_maturity,
)
from apps.metrics.formulas import Scores
from apps.metrics.selectors import MetricFilter, scores_by
from apps.tenants.selectors import company_day_start


def maturity_settings_get() -> MaturitySettings:
    settings, _created = MaturitySettings.objects.get_or_create(singleton=True)
    return settings


@memoized_in_scope
def maturity_thresholds() -> MaturityThresholds:
    settings = maturity_settings_get()
    return MaturityThresholds(
        window_days=settings.window_days,
        min_answers=settings.min_answers,
        max_overdue_cases=settings.max_overdue_cases,
        rollup_share_percent=settings.rollup_share_percent,
    )


@dataclass(frozen=True)
class TouchpointMaturity:
    touchpoint: Touchpoint
    evidence: TouchpointEvidence
    scores: Scores
    level: Level
    thresholds: MaturityThresholds

    @cached_property
    def assessment(self) -> Assessment:
        """The level with its reasons in words: written when a page shows them, not for every level read."""
        return touchpoint_maturity(evidence=self.evidence, thresholds=self.thresholds)

    @property
    def path_id(self) -> int:
        return self.touchpoint.stage.path_id


@dataclass(frozen=True)
class MaturityOverview:
    as_of: dt.date
    thresholds: MaturityThresholds
    touchpoints: list[TouchpointMaturity]
    paths: dict[int, Rollup]
    company: Rollup

    def of_path(self, path_id: int) -> list[TouchpointMaturity]:
        return [item for item in self.touchpoints if item.path_id == path_id]


def window_filter(*, as_of: dt.date, thresholds: MaturityThresholds, path_id: int | None = None) -> MetricFilter:
    return MetricFilter(start=as_of - dt.timedelta(days=thresholds.window_days - 1), end=as_of, path_id=path_id)


def touchpoint_maturity_list(
    *, as_of: dt.date, path_id: int | None = None, thresholds: MaturityThresholds | None = None
) -> list[TouchpointMaturity]:
    """Every touchpoint on a path in use, in map order, with its level and reasons as of a day."""
    thresholds = thresholds or maturity_thresholds()
    window = window_filter(as_of=as_of, thresholds=thresholds, path_id=path_id)
    scores = scores_by(filters=window, dimension="touchpoint")
    late = cases_late_by_touchpoint(
        opened_from=company_day_start(window.start), until=company_day_start(as_of + dt.timedelta(days=1))
    )
    return [
        _assessed(touchpoint=touchpoint, scores=scores, late=late, thresholds=thresholds)
        # The map's places and the owner are all a level and its readers use (not the backup owner).
        for touchpoint in touchpoint_list(path_id=path_id).select_related(None).select_related("stage__path", "owner")
    ]


def touchpoint_maturity_of(*, touchpoint: Touchpoint, as_of: dt.date) -> TouchpointMaturity | None:
    """One touchpoint's item of touchpoint_maturity_list (None when its path is archived), from the
    same reads of the whole company's window but without listing every touchpoint."""
    if touchpoint.stage.path.archived_at is not None:
        return None
    thresholds = maturity_thresholds()
    window = window_filter(as_of=as_of, thresholds=thresholds)
    late = cases_late_by_touchpoint(
        opened_from=company_day_start(window.start), until=company_day_start(as_of + dt.timedelta(days=1))
    )
    scores = scores_by(filters=window, dimension="touchpoint")
    return _assessed(touchpoint=touchpoint, scores=scores, late=late, thresholds=thresholds)


def _assessed(
    *, touchpoint: Touchpoint, scores: dict[int | None, Scores], late: dict[int, int], thresholds: MaturityThresholds
) -> TouchpointMaturity:
    touchpoint_scores = scores.get(touchpoint.pk, Scores.zero())
    evidence = TouchpointEvidence(
        on_map=True,
        has_owner=touchpoint.owner_id is not None,
        has_intended_experience=bool(touchpoint.intended_experience.strip()),
        answers_in_window=touchpoint_scores.responses,
        nps=touchpoint_scores.nps,
        target_nps=touchpoint.target_nps,
        overdue_cases=late.get(touchpoint.pk, 0),
    )
    return TouchpointMaturity(
        touchpoint=touchpoint,
        evidence=evidence,
        scores=touchpoint_scores,
        level=touchpoint_level(evidence=evidence, thresholds=thresholds),
        thresholds=thresholds,
    )


def maturity_overview(*, as_of: dt.date, path_id: int | None = None) -> MaturityOverview:
    """Touchpoint levels, each path's roll-up and the company's (or the one path's), weighted by encounters."""
    thresholds = maturity_thresholds()
    items = touchpoint_maturity_list(as_of=as_of, path_id=path_id, thresholds=thresholds)
    by_path: dict[int, list[tuple[Level, int]]] = {}
    for item in items:
        by_path.setdefault(item.path_id, []).append((item.level, item.scores.encounters))
    share = thresholds.rollup_share_percent
    return MaturityOverview(
        as_of=as_of,
        thresholds=thresholds,
        touchpoints=items,
        paths={pk: maturity_rollup(items=levels, share_percent=share) for pk, levels in by_path.items()},
        company=maturity_rollup(items=[(item.level, item.scores.encounters) for item in items], share_percent=share),
    )


def maturity_trend(*, since: dt.date, path_id: int | None = None) -> list[MaturitySnapshot]:
    """Daily snapshots of the company (or one path) from `since`, oldest first."""
    snapshots = MaturitySnapshot.objects.filter(taken_on__gte=since)
    if path_id is None:
        return list(snapshots.filter(path_id__isnull=True))
    return list(snapshots.filter(path_id=path_id))


def maturity_trend_shares(*, since: dt.date, path_id: int | None = None) -> list[dict[str, Any]]:
    """maturity_trend's days and shares as plain rows, in the same order: all a chart of the trend needs."""
    snapshots = MaturitySnapshot.objects.filter(taken_on__gte=since)
    snapshots = snapshots.filter(path_id__isnull=True) if path_id is None else snapshots.filter(path_id=path_id)
    return list(snapshots.values("taken_on", "share_ad_hoc", "share_designed", "share_managed"))


def touchpoint_levels_on(*, day: dt.date) -> dict[int, int]:
    """{touchpoint id: level} of the latest snapshot on or before `day`."""
    latest = TouchpointLevel.objects.filter(taken_on__lte=day).order_by("-taken_on").values_list("taken_on", flat=True)
    taken_on = latest.first()
    if taken_on is None:
        return {}
    return dict(TouchpointLevel.objects.filter(taken_on=taken_on).values_list("touchpoint_id", "level"))
