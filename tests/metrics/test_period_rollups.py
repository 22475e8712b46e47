"""Week and month roll-ups and the grains without a touchpoint: exactly the sums of the daily touchpoint rows.

The reads take whole weeks and months from the period rows and the loose days from
the daily rows; whatever the window, series or cut, they must give what summing the
daily touchpoint rows of every day in the view gives.
"""

import datetime as dt
from collections import defaultdict
from random import Random
from typing import Any

import pytest
from django.db.models import Sum

from apps.journeys.selectors import touchpoint_places
from apps.metrics.formulas import SCORE_FIELDS, Scores
from apps.metrics.models import DailyRollup, Grain, PeriodRollup
from apps.metrics.rollup import rollup_derive_all
from apps.metrics.selectors import MetricFilter, _cover, scores_by, scores_series, scores_total
from apps.metrics.services import metrics_recompute_full, metrics_refresh_dirty
from tests.metrics.factories import scored_survey_build
from tests.metrics.test_rollup_identity import START, random_step, rollup_rows, world_build

pytestmark = pytest.mark.django_db

_BASE_GRAIN = {None: Grain.TOUCHPOINT, "persona": Grain.AUDIENCE, "segment": Grain.AUDIENCE}
_BASE_GRAIN |= {"touchpoint": Grain.TOUCHPOINT, "path": Grain.TOUCHPOINT, "employee": Grain.STAFF}
_COLUMN = {"persona": "persona_id", "segment": "segment_id", "touchpoint": "touchpoint_id", "employee": "employee_id"}
_COLUMN["path"] = "touchpoint_id"


def daily_sums(*, filters: MetricFilter, dimension: str | None, interval: str | None = None) -> dict[Any, Scores]:
    """The view summed straight from the daily touchpoint rows, day by day."""
    grain = Grain.AUDIENCE if filters.persona_id else _BASE_GRAIN[dimension]
    rows = DailyRollup.objects.filter(grain=grain, day__gte=filters.start, day__lte=filters.end)
    if filters.persona_id:
        rows = rows.filter(persona_id=filters.persona_id)
    if filters.path_id:
        places = touchpoint_places()
        rows = rows.filter(touchpoint_id__in=[pk for pk, place in places.items() if place.path_id == filters.path_id])
    places = touchpoint_places()
    result: dict[Any, Scores] = defaultdict(Scores.zero)
    for row in rows.values("day", *([_COLUMN[dimension]] if dimension else [])).annotate(
        **{field: Sum(field) for field in SCORE_FIELDS}
    ):
        key = row.get(_COLUMN[dimension]) if dimension else None
        if dimension == "path":
            key = places[key].path_id if key in places else None
        if interval == "week":
            key = (key, row["day"] - dt.timedelta(days=row["day"].weekday()))
        elif interval == "month":
            key = (key, row["day"].replace(day=1))
        elif interval == "day":
            key = (key, row["day"])
        result[key] = result[key] + Scores.from_mapping(row)
    return {key: scores for key, scores in result.items() if scores != Scores.zero()}


def nonzero(result: dict[Any, Scores]) -> dict[Any, Scores]:
    return {key: scores for key, scores in result.items() if scores != Scores.zero()}


def test_cover_splits_a_view_into_months_weeks_and_days() -> None:
    pieces = _cover(start=dt.date(2026, 9, 6), end=dt.date(2026, 12, 4))
    assert [(piece.span, piece.first, piece.last) for piece in pieces] == [
        ("day", dt.date(2026, 9, 6), dt.date(2026, 9, 6)),
        ("week", dt.date(2026, 9, 7), dt.date(2026, 9, 27)),
        ("day", dt.date(2026, 9, 28), dt.date(2026, 9, 30)),
        ("month", dt.date(2026, 10, 1), dt.date(2026, 11, 30)),
        ("day", dt.date(2026, 12, 1), dt.date(2026, 12, 4)),
    ]
    for start, days in ((dt.date(2025, 12, 29), 400), (dt.date(2026, 2, 1), 28), (dt.date(2026, 3, 31), 1)):
        end = start + dt.timedelta(days=days - 1)
        covered = []
        for piece in _cover(start=start, end=end):
            covered.extend(piece.first + dt.timedelta(days=n) for n in range((piece.last - piece.first).days + 1))
        assert covered == [start + dt.timedelta(days=n) for n in range(days)]


@pytest.mark.parametrize("seed", [5, 6])
def test_reads_equal_the_sums_of_the_daily_rows_after_refreshes_and_a_full_recompute(seed: int) -> None:
    random = Random(seed)
    world = world_build(random)
    survey = scored_survey_build()
    metrics_recompute_full()
    for _ in range(120):
        random_step(random, world, survey)
        if random.random() < 0.2:
            metrics_refresh_dirty(batch_size=random.choice([1, 7, 50]))
    metrics_refresh_dirty()
    assert PeriodRollup.objects.filter(span="month", grain=Grain.COMPANY).exists()
    first_day = START.date()
    persona = world["personas"][0].pk
    path = world["touchpoints"][0].stage.path_id

    for phase in ("incremental", "full"):
        if phase == "full":
            metrics_recompute_full()
        for _ in range(25):
            start = first_day + dt.timedelta(days=random.randrange(-10, 40))
            filters = MetricFilter(start=start, end=start + dt.timedelta(days=random.randrange(0, 70)))
            assert nonzero({None: scores_total(filters=filters)}) == daily_sums(filters=filters, dimension=None)
            for dimension in ("persona", "segment", "touchpoint", "path", "employee"):
                assert nonzero(scores_by(filters=filters, dimension=dimension)) == daily_sums(
                    filters=filters, dimension=dimension
                ), (phase, dimension, filters)
            narrowed = MetricFilter(start=filters.start, end=filters.end, persona_id=persona)
            assert nonzero({None: scores_total(filters=narrowed)}) == daily_sums(filters=narrowed, dimension=None)
            on_path = MetricFilter(start=filters.start, end=filters.end, path_id=path)
            assert nonzero(scores_by(filters=on_path, dimension="persona")) == daily_sums(
                filters=on_path, dimension="persona"
            )
            for interval in ("day", "week", "month"):
                for dimension in (None, "segment"):
                    points = scores_series(filters=filters, interval=interval, dimension=dimension)
                    got = nonzero({(point.key, point.period_start): point.scores for point in points})
                    assert got == daily_sums(filters=filters, dimension=dimension, interval=interval), (
                        phase,
                        interval,
                        dimension,
                        filters,
                    )


def test_deriving_from_the_daily_rows_gives_what_a_full_recompute_writes() -> None:
    """What migration 0003 does for a company that has daily rows only."""
    random = Random(7)
    world = world_build(random)
    survey = scored_survey_build()
    for _ in range(80):
        random_step(random, world, survey)
    metrics_recompute_full()
    full = rollup_rows()
    PeriodRollup.objects.all().delete()
    DailyRollup.objects.filter(grain__in=[Grain.COMPANY, Grain.PERSONA_SEGMENT, Grain.EMPLOYEE]).delete()

    rollup_derive_all()

    assert rollup_rows() == full
    assert PeriodRollup.objects.filter(span="week").exists()
