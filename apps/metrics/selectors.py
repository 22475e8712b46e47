"""Reads on the roll-ups: scores for any period, cut by any one dimension.

Every read is one SUM over roll-up rows: the whole months and weeks of the view
from the period rows, the days left over from the daily rows, and the grain with
the fewest rows that still holds what the view is cut or narrowed by. Its cost
follows the number of periods and keys in the view, not the number of answers or
days behind them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.db import connections, router
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.scope import user_location_scope
from apps.accounts.selectors import team_by_user_ids
from apps.core.exceptions import DomainError
from apps.core.request_memo import memoized_in_scope
from apps.journeys.selectors import touchpoint_places
from apps.locations.selectors import location_ids_under, location_region_ids
from apps.metrics.formulas import SCORE_FIELDS, Scores
from apps.metrics.models import DailyRollup, Grain
from apps.metrics.periods import (
    INTERVALS,
    SPANS,
    Interval,
    period_end,
    period_start,
    period_starts,
)

Dimension = Literal["touchpoint", "stage", "path", "persona", "segment", "employee", "team", "location", "region"]
DIMENSIONS: tuple[str, ...] = (
    "touchpoint",
    "stage",
    "path",
    "persona",
    "segment",
    "employee",
    "team",
    "location",
    "region",
)

# Persona and segment are not kept per location (models.Grain), and a scoped viewer's figures are always read
# per location: their cuts by persona or segment are refused rather than shown for the whole company.
SCOPED_AUDIENCE_REFUSED = _lazy(
    "Your figures cover only your locations, and figures by location are not cut by persona or segment."
)

_COLUMN = {
    "touchpoint": "touchpoint_id",
    "stage": "touchpoint_id",
    "path": "touchpoint_id",
    "persona": "persona_id",
    "segment": "segment_id",
    "employee": "employee_id",
    "team": "employee_id",
    "location": "location_id",
    "region": "location_id",
}


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
    # Answers at one location, or at any location in a region or the regions below it.
    location_id: int | None = None
    region_id: int | None = None
    # The locations the viewer may see (apps.accounts.scope.user_location_scope): None, the whole company.
    # Always intersected with the location or region above; set by `metric_filter_for`, never by hand.
    scope_location_ids: frozenset[int] | None = None

    def shifted(self, *, days: int) -> "MetricFilter":
        """The same view moved in time (the previous period for a comparison)."""
        delta = dt.timedelta(days=days)
        return replace(self, start=self.start + delta, end=self.end + delta)

    @property
    def located(self) -> bool:
        """Whether the view is narrowed to locations: one, a region's, or a scoped viewer's."""
        return self.location_id is not None or self.region_id is not None or self.scoped

    @property
    def scoped(self) -> bool:
        """Whether the viewer is limited to some locations (a scoped manager)."""
        return self.scope_location_ids is not None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class SeriesPoint:
    period_start: dt.date
    key: int | None
    scores: Scores


@dataclass(frozen=True)
class _Piece:
    """Part of a view read from one kind of row: days first..last, or whole weeks or months starting on `starts`."""

    span: str  # "day", "week" or "month"
    first: dt.date
    last: dt.date
    starts: tuple[dt.date, ...] = ()


def _cover(*, start: dt.date, end: dt.date, spans: tuple[str, ...] = SPANS[::-1]) -> list[_Piece]:
    """Splits start..end into whole months, then whole weeks in what is left over, then single days.

    A 90-day view becomes two or three months, a few weeks and a few days: about a
    dozen rows per bucket instead of ninety.
    """
    if start > end:
        return []
    for index, span in enumerate(spans):
        first = period_start(start, span)
        if first < start:
            first = period_end(first, span) + dt.timedelta(days=1)
        starts = []
        while period_end(first, span) <= end:
            starts.append(first)
            first = period_end(first, span) + dt.timedelta(days=1)
        if starts:
            rest = spans[index + 1 :]
            last = period_end(starts[-1], span)
            return [
                *_cover(start=start, end=starts[0] - dt.timedelta(days=1), spans=rest),
                _Piece(span=span, first=starts[0], last=last, starts=tuple(starts)),
                *_cover(start=last + dt.timedelta(days=1), end=end, spans=rest),
            ]
    return [_Piece(span="day", first=start, last=end)]


def _grain(*, filters: MetricFilter, dimension: str | None) -> str:
    audience = bool(filters.persona_id or filters.segment_id) or dimension in ("persona", "segment")
    staff = dimension in ("employee", "team")
    if audience and staff:
        raise DomainError(
            _("Scores per employee or team cannot be narrowed by persona or segment."), code="invalid_filter"
        )
    # A view not narrowed to places and not cut by them reads the grains summed over every touchpoint.
    places = (
        filters.touchpoint_id is not None
        or filters.stage_id is not None
        or filters.path_id is not None
        or dimension in ("touchpoint", "stage", "path")
    )
    # Only a view that names locations reads the grains kept per location (more rows).
    if filters.located or dimension in ("location", "region"):
        if audience:
            raise DomainError(
                str(SCOPED_AUDIENCE_REFUSED)
                if filters.scoped
                else _("Scores by location or region cannot be narrowed or cut by persona or segment."),
                code="invalid_filter",
            )
        if staff:
            return Grain.STAFF_LOCATION if places else Grain.EMPLOYEE_LOCATION
        return Grain.TOUCHPOINT_LOCATION if places else Grain.LOCATION
    if staff:
        return Grain.STAFF if places else Grain.EMPLOYEE
    if audience:
        return Grain.AUDIENCE if places else Grain.PERSONA_SEGMENT
    return Grain.TOUCHPOINT if places else Grain.COMPANY


@memoized_in_scope
def _region_location_ids(*, region_id: int) -> list[int]:
    # Once per page: every read of a dashboard cut by a region needs the same list.
    return sorted(location_ids_under(region_id=region_id))


def filter_location_ids(filters: MetricFilter) -> frozenset[int] | None:
    """The locations a view covers, None for all of them: the one named, or every location under the region
    (archived ones too: their past answers still belong to the region), always within the viewer's scope.
    A location outside the scope gives no locations (empty figures), never the whole company."""
    if filters.location_id is not None:
        named: frozenset[int] | None = frozenset([filters.location_id])
    elif filters.region_id is not None:
        named = frozenset(_region_location_ids(region_id=filters.region_id))
    else:
        named = None
    scope = filters.scope_location_ids
    if scope is None:
        return named
    return scope if named is None else named & scope


def _location_ids(filters: MetricFilter) -> list[int]:
    location_ids = filter_location_ids(filters)
    assert location_ids is not None, "a located view names its locations"
    return sorted(location_ids)


def metric_filter_for(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    path_id: int | None = None,
    stage_id: int | None = None,
    touchpoint_id: int | None = None,
    persona_id: int | None = None,
    segment_id: int | None = None,
    location_id: int | None = None,
    region_id: int | None = None,
) -> MetricFilter:
    """The one way a page, an export, the API or an email builds the filter of what `user` looks at: the
    viewer's location scope is always in it (`user` None: a reader with no viewer, the whole company)."""
    return MetricFilter(
        start=start,
        end=end,
        path_id=path_id,
        stage_id=stage_id,
        touchpoint_id=touchpoint_id,
        persona_id=persona_id,
        segment_id=segment_id,
        location_id=location_id,
        region_id=region_id,
        scope_location_ids=user_location_scope(user),
    )


_SELECT_SUMS = ", ".join(f"sum({field})" for field in SCORE_FIELDS)


def _read(*, filters: MetricFilter, dimension: str | None, pieces: list[_Piece], by_day: bool) -> list[dict[str, Any]]:
    """Sums of the roll-up rows of the view: one row per key (and per row day with `by_day`), as dicts.

    One statement over the daily rows of the loose days and the week and month rows
    of the whole periods; `day` in a result row is a row's first day, which lies in the
    same series period as the rest of its piece.
    """
    if filters.end < filters.start:
        raise DomainError(_("The period ends before it starts."), code="invalid_period")
    params: dict[str, Any] = {"grain": _grain(filters=filters, dimension=dimension)}
    narrowing = ["grain = %(grain)s"]
    if filters.touchpoint_id is not None:
        params["touchpoints"] = [filters.touchpoint_id]
        narrowing.append("touchpoint_id = ANY(%(touchpoints)s)")
    elif filters.stage_id is not None or filters.path_id is not None:
        places = touchpoint_places()
        params["touchpoints"] = [
            pk
            for pk, place in places.items()
            if (filters.stage_id is None or place.stage_id == filters.stage_id)
            and (filters.path_id is None or place.path_id == filters.path_id)
        ]
        narrowing.append("touchpoint_id = ANY(%(touchpoints)s)")
    if filters.persona_id is not None:
        params["persona"] = filters.persona_id
        narrowing.append("persona_id = %(persona)s")
    if filters.segment_id is not None:
        params["segment"] = filters.segment_id
        narrowing.append("segment_id = %(segment)s")
    if filters.located:
        params["locations"] = _location_ids(filters)
        narrowing.append("location_id = ANY(%(locations)s)")
    key = _COLUMN[dimension] if dimension else "NULL::integer"
    ranges: list[list[dt.date]] = []  # adjoining days merged into one range
    starts: dict[str, list[dt.date]] = defaultdict(list)
    for piece in sorted(pieces, key=lambda piece: piece.first):
        if piece.span != "day":
            starts[piece.span].extend(piece.starts)
        elif ranges and ranges[-1][1] + dt.timedelta(days=1) == piece.first:
            ranges[-1][1] = piece.last
        else:
            ranges.append([piece.first, piece.last])
    days = []
    for number, (first, last) in enumerate(ranges):
        params[f"first{number}"], params[f"last{number}"] = first, last
        days.append(f"day BETWEEN %(first{number})s AND %(last{number})s")
    periods = []
    for span, span_starts in sorted(starts.items()):
        params[f"{span}_starts"] = span_starts
        periods.append(f"(span = '{span}' AND day = ANY(%({span}_starts)s))")
    where = " AND ".join(narrowing)
    fields = ", ".join(SCORE_FIELDS)
    branches = []
    # Only constants of this module are interpolated; every value is a query parameter.
    for table, conditions in (("metrics_dailyrollup", days), ("metrics_periodrollup", periods)):
        if conditions:
            branches.append(
                f"SELECT day, {key} AS bucket_key, {fields} FROM {table} "  # noqa: S608
                f"WHERE {where} AND ({' OR '.join(conditions)})"
            )
    if not branches:
        return []
    group = [*(["day"] if by_day else []), *(["bucket_key"] if dimension else [])]
    selected = ", ".join([*group, *([] if dimension else ["NULL"]), _SELECT_SUMS])
    sql = f"SELECT {selected} FROM ({' UNION ALL '.join(branches)}) picked"  # noqa: S608
    if group:
        sql += " GROUP BY " + ", ".join(group)
    names = [*(["day"] if by_day else []), "key", *SCORE_FIELDS]
    # Raw SQL asks the routers where to read, as the ORM does: a marked dashboard reads the replica.
    with connections[router.db_for_read(DailyRollup)].cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _key_mapper(dimension: str, keys: Iterable[int | None]) -> dict[int | None, int | None]:
    """Maps a roll-up column value to the dimension's key (a touchpoint to its path, an employee to a team)."""
    keys = list(keys)
    if dimension in ("stage", "path"):
        places = touchpoint_places()
        attribute = "stage_id" if dimension == "stage" else "path_id"
        return {key: getattr(places[key], attribute) if key in places else None for key in keys}
    if dimension == "region":
        regions = location_region_ids()
        return {key: regions.get(key) if key is not None else None for key in keys}
    if dimension == "team":
        teams = team_by_user_ids(user_ids=[key for key in keys if key is not None])
        return {key: (teams[key].pk if teams.get(key) else None) if key is not None else None for key in keys}
    return {key: key for key in keys}


@memoized_in_scope
def scores_total(*, filters: MetricFilter) -> Scores:
    rows = _read(filters=filters, dimension=None, pieces=_cover(start=filters.start, end=filters.end), by_day=False)
    return Scores.from_mapping(rows[0]) if rows else Scores.zero()


@memoized_in_scope
def scores_by(*, filters: MetricFilter, dimension: Dimension) -> dict[int | None, Scores]:
    """{key: scores} for each stage, path, persona, ... with any data in the view. None: not tied to one."""
    rows = _read(
        filters=filters, dimension=dimension, pieces=_cover(start=filters.start, end=filters.end), by_day=False
    )
    mapper = _key_mapper(dimension, (row["key"] for row in rows))
    result: dict[int | None, Scores] = defaultdict(Scores.zero)
    for row in rows:
        key = mapper[row["key"]]
        result[key] = result[key] + Scores.from_mapping(row)
    return dict(result)


def scores_series(
    *, filters: MetricFilter, interval: Interval, dimension: Dimension | None = None
) -> list[SeriesPoint]:
    """Scores per day, week or month of the view, every period present (empty ones as zero)."""
    if interval not in INTERVALS:
        raise DomainError(_("Unknown interval."), code="invalid_interval")
    periods = period_starts(start=filters.start, end=filters.end, interval=interval)
    # Each period of the series is covered on its own, so every piece lies inside one period
    # (a daily series is its days, which _read merges into one range anyway).
    pieces = (
        [_Piece(span="day", first=filters.start, last=filters.end)]
        if interval == "day"
        else [
            piece
            for period in periods
            for piece in _cover(
                start=max(period, filters.start),
                end=min(period_end(period, interval), filters.end),
            )
        ]
    )
    rows = _read(filters=filters, dimension=dimension, pieces=pieces, by_day=True)
    mapper = _key_mapper(dimension, (row["key"] for row in rows)) if dimension else {}
    cells: dict[tuple[dt.date, int | None], Scores] = {}
    for row in rows:
        key = mapper[row["key"]] if dimension else None
        cell = (period_start(row["day"], interval), key)
        scores = Scores.from_mapping(row)
        cells[cell] = cells[cell] + scores if cell in cells else scores
    keys = sorted({key for _period, key in cells}, key=lambda k: (k is None, k or 0)) or [None]
    if not dimension:
        keys = [None]
    # Scores are immutable: the empty periods share one zero rather than building one each (a year by day).
    zero = Scores.zero()
    return [
        SeriesPoint(period_start=period, key=key, scores=cells.get((period, key), zero))
        for key in keys
        for period in periods
    ]
