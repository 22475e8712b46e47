"""Keeping the roll-ups current: the incremental refresh and the full recompute.

Concurrency: a company's full recompute takes an exclusive advisory lock, refreshes
take it shared, and refreshes of the same local day queue behind each other on a
per-day lock, then of the same week or month on a per-period lock (all day locks
first, then the period locks, each in order, so two refreshes never wait on each
other in a circle). A period is summed after its days are written and after every
earlier refresh of it committed, so the last one to commit has seen every day. Marks
are claimed (deleted) in the first statement of the transaction, and every later
statement sees at least the data those marks stood for, so a change that commits
while a refresh runs leaves a mark for the next one. If anything fails, the
transaction rolls back and the marks come back with it.
"""

import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from apps.metrics.models import RecomputeRun
from apps.metrics.periods import SPANS, period_start
from apps.metrics.rollup import (
    DayBuckets,
    rollup_derive_days,
    rollup_derive_periods,
    rollup_rebuild_all,
    rollup_rebuild_day,
)
from apps.tenants.selectors import company_time_zone

logger = logging.getLogger(__name__)

REFRESH_BATCH = 5000


def _company_time_zone() -> str:
    return company_time_zone().key


def _lock_key(*parts: object) -> str:
    return ":".join([connection.schema_name, "metrics", *map(str, parts)])


def metrics_refresh_dirty(*, batch_size: int = REFRESH_BATCH) -> int:
    """Recompute the buckets named by pending marks, a batch at a time. Returns buckets refreshed."""
    refreshed = 0
    while True:
        count, more = _refresh_batch(batch_size=batch_size)
        refreshed += count
        if not more:
            return refreshed


@transaction.atomic
def _refresh_batch(*, batch_size: int) -> tuple[int, bool]:
    time_zone = _company_time_zone()
    zone = ZoneInfo(time_zone)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s))", [_lock_key()])
        cursor.execute(
            """
            DELETE FROM metrics_dirtymark WHERE id IN (
                SELECT id FROM metrics_dirtymark ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            ) RETURNING touchpoint_id, at
            """,
            [batch_size],
        )
        marks = cursor.fetchall()
    if not marks:
        return 0, False
    by_day: dict[dt.date, set[int | None]] = defaultdict(set)
    for touchpoint_id, at in marks:
        by_day[at.astimezone(zone).date()].add(touchpoint_id)
    buckets = 0
    for day in sorted(by_day):
        touchpoints = by_day[day]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key(day.isoformat())])
        rollup_rebuild_day(
            buckets=DayBuckets(
                day=day,
                touchpoint_ids=tuple(sorted(tp for tp in touchpoints if tp is not None)),
                with_null=None in touchpoints,
            ),
            time_zone=time_zone,
        )
        buckets += len(touchpoints)
    rollup_derive_days(days=sorted(by_day))
    _periods_refresh(by_day=by_day)
    return buckets, len(marks) == batch_size


def _periods_refresh(*, by_day: dict[dt.date, set[int | None]]) -> None:
    """Sums the weeks and months of the refreshed days again, for the touchpoints refreshed in them."""
    touched: dict[tuple[str, dt.date], set[int | None]] = defaultdict(set)
    for day, touchpoints in by_day.items():
        for span in SPANS:
            touched[(span, period_start(day, span))] |= touchpoints
    with connection.cursor() as cursor:
        for span, start in sorted(touched):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key(span, start.isoformat())])
    # One statement per span and set of touchpoints (usually one per span).
    groups: dict[tuple[str, frozenset[int | None]], list[dt.date]] = defaultdict(list)
    for (span, start), touchpoints in touched.items():
        groups[(span, frozenset(touchpoints))].append(start)
    for (span, touchpoints), starts in sorted(groups.items(), key=lambda item: (item[0][0], min(item[1]))):
        rollup_derive_periods(
            span=span,
            starts=sorted(starts),
            touchpoint_ids=sorted(tp for tp in touchpoints if tp is not None),
            with_null=None in touchpoints,
        )


@transaction.atomic
def metrics_recompute_full(*, trigger: str = "manual") -> RecomputeRun:
    """Rebuild every roll-up row of the current company from its source rows."""
    run = RecomputeRun.objects.create(started_at=timezone.now(), trigger=trigger)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key()])
        # Claim the pending marks first: everything they stand for is visible to the rebuild below.
        cursor.execute("DELETE FROM metrics_dirtymark")
    run.rows = rollup_rebuild_all(time_zone=_company_time_zone())
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "finished_at"])
    logger.info("metrics: full recompute of %s wrote %s rows", connection.schema_name, run.rows)
    return run


def metrics_recompute_request(*, trigger: str = "manual") -> None:
    """Queue a full recompute of the current company (for a button or an API call)."""
    from apps.metrics.tasks import metrics_recompute

    transaction.on_commit(lambda: metrics_recompute.delay(trigger=trigger))


def metrics_time_zone_moved() -> None:
    """The company's time zone changed: its roll-ups count local days, so rebuild them now, not at night."""
    metrics_recompute_request(trigger="time-zone")
