"""Reads on the roll-ups: scores for any period, cut by any one dimension.

Every read is a SUM over roll-up rows, so its cost follows the number of days and
touchpoints in the view, not the number of answers behind them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from apps.accounts.selectors import team_by_user_ids
from apps.core.exceptions import DomainError
from apps.core.request_memo import memoized_in_scope
from apps.journeys.selectors import touchpoint_places
from apps.metrics.formulas import SCORE_FIELDS, Scores
from apps.metrics.models import DailyRollup, Grain

Dimension = Literal["touchpoint", "stage", "path", "persona", "segment", "employee", "team"]
Interval = Literal["day", "week", "month"]
DIMENSIONS: tuple[str, ...] = ("touchpoint", "stage", "path", "persona", "segment", "employee", "team")
INTERVALS: tuple[str, ...] = ("day", "week", "month")

_COLUMN = {
    "touchpoint": "touchpoint_id",
    "stage": "touchpoint_id",
    "path": "touchpoint_id",
    "persona": "persona_id",
    "segment": "segment_id",
    "employee": "employee_id",
    "team": "employee_id",
}
_SUMS = {field: Sum(field) for field in SCORE_FIELDS}


@dataclass(frozen=True)
class MetricFilter:
    """What a view looks at: a period (both ends included) and optional narrowing."""

    start: dt.date
    end: dt.date
    path_id: int | None = None
    stage_id: int | None = None
    touchpoint_id: int | None = None
    persona_id: int | None = None
    segment_id: int | None = None

    def shifted(self, *, days: int) -> "MetricFilter":
        """The same view moved in time (the previous period for a comparison)."""
        delta = dt.timedelta(days=days)
        return MetricFilter(
            start=self.start + delta,
            end=self.end + delta,
            path_id=self.path_id,
            stage_id=self.stage_id,
            touchpoint_id=self.touchpoint_id,
            persona_id=self.persona_id,
            segment_id=self.segment_id,
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class SeriesPoint:
    period_start: dt.date
    key: int | None
    scores: Scores


def _grain(*, filters: MetricFilter, dimension: str | None) -> str:
    audience = bool(filters.persona_id or filters.segment_id) or dimension in ("persona", "segment")
    staff = dimension in ("employee", "team")
    if audience and staff:
        raise DomainError(
            _("Scores per employee or team cannot be narrowed by persona or segment."), code="invalid_filter"
        )
    if staff:
        return Grain.STAFF
    return Grain.AUDIENCE if audience else Grain.TOUCHPOINT


def _rows(*, filters: MetricFilter, dimension: str | None) -> QuerySet[DailyRollup]:
    if filters.end < filters.start:
        raise DomainError(_("The period ends before it starts."), code="invalid_period")
    rows = DailyRollup.objects.filter(
        grain=_grain(filters=filters, dimension=dimension), day__gte=filters.start, day__lte=filters.end
    )
    if filters.touchpoint_id is not None:
        rows = rows.filter(touchpoint_id=filters.touchpoint_id)
    elif filters.stage_id is not None or filters.path_id is not None:
        places = touchpoint_places()
        rows = rows.filter(
            touchpoint_id__in=[
                pk
                for pk, place in places.items()
                if (filters.stage_id is None or place.stage_id == filters.stage_id)
                and (filters.path_id is None or place.path_id == filters.path_id)
            ]
        )
    if filters.persona_id is not None:
        rows = rows.filter(persona_id=filters.persona_id)
    if filters.segment_id is not None:
        rows = rows.filter(segment_id=filters.segment_id)
    return rows


def _key_mapper(dimension: str, keys: Iterable[int | None]) -> dict[int | None, int | None]:
    """Maps a roll-up column value to the dimension's key (a touchpoint to its path, an employee to a team)."""
    keys = list(keys)
    if dimension in ("stage", "path"):
        places = touchpoint_places()
        attribute = "stage_id" if dimension == "stage" else "path_id"
        return {key: getattr(places[key], attribute) if key in places else None for key in keys}
    if dimension == "team":
        teams = team_by_user_ids(user_ids=[key for key in keys if key is not None])
        return {key: (teams[key].pk if teams.get(key) else None) if key is not None else None for key in keys}
    return {key: key for key in keys}


@memoized_in_scope
def scores_total(*, filters: MetricFilter) -> Scores:
    return Scores.from_mapping(_rows(filters=filters, dimension=None).aggregate(**_SUMS))


@memoized_in_scope
def scores_by(*, filters: MetricFilter, dimension: Dimension) -> dict[int | None, Scores]:
    """{key: scores} for each stage, path, persona, ... with any data in the view. None: not tied to one."""
    column = _COLUMN[dimension]
    rows = list(_rows(filters=filters, dimension=dimension).values(column).annotate(**_SUMS).order_by())
    mapper = _key_mapper(dimension, (row[column] for row in rows))
    result: dict[int | None, Scores] = defaultdict(Scores.zero)
    for row in rows:
        key = mapper[row[column]]
        result[key] = result[key] + Scores.from_mapping(row)
    return dict(result)


def period_next_start(day: dt.date, interval: Interval) -> dt.date:
    """The first day of the day, ISO week or month after the one starting on `day`."""
    if interval == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=7 if interval == "week" else 1)


def period_starts(*, start: dt.date, end: dt.date, interval: Interval) -> list[dt.date]:
    """The first day of each day, ISO week (Monday) or month that overlaps start..end."""
    if interval == "day":
        current = start
    elif interval == "week":
        current = start - dt.timedelta(days=start.weekday())
    else:
        current = start.replace(day=1)
    periods = []
    while current <= end:
        periods.append(current)
        current = period_next_start(current, interval)
    return periods


def scores_series(
    *, filters: MetricFilter, interval: Interval, dimension: Dimension | None = None
) -> list[SeriesPoint]:
    """Scores per day, week or month of the view, every period present (empty ones as zero)."""
    if interval not in INTERVALS:
        raise DomainError(_("Unknown interval."), code="invalid_interval")
    column = _COLUMN[dimension] if dimension else None
    group: list[str] = ["period", column] if column else ["period"]
    rows: list[dict[str, Any]] = list(
        _rows(filters=filters, dimension=dimension)
        .annotate(period=Trunc("day", interval, output_field=DailyRollup._meta.get_field("day")))
        .values(*group)
        .annotate(**_SUMS)
        .order_by()
    )
    mapper = _key_mapper(dimension, (row[column] for row in rows)) if dimension and column else {}
    cells: dict[tuple[dt.date, int | None], Scores] = defaultdict(Scores.zero)
    for row in rows:
        key = mapper[row[column]] if column else None
        cells[(row["period"], key)] = cells[(row["period"], key)] + Scores.from_mapping(row)
    keys = sorted({key for _period, key in cells}, key=lambda k: (k is None, k or 0)) or [None]
    if not column:
        keys = [None]
    return [
        SeriesPoint(period_start=period, key=key, scores=cells.get((period, key), Scores.zero()))
        for key in keys
        for period in period_starts(start=filters.start, end=filters.end, interval=interval)
    ]
