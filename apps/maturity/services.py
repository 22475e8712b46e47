"""Writes: the thresholds, and the snapshots that keep the maturity trend."""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.maturity.models import MaturitySettings, MaturitySnapshot, TouchpointLevel
from apps.maturity.rules import Level, Rollup
from apps.maturity.selectors import maturity_overview, maturity_settings_get

logger = logging.getLogger(__name__)


@transaction.atomic
def maturity_settings_update(
    *,
    window_days: int,
    min_answers: int,
    max_overdue_cases: int,
    rollup_share_percent: int,
    acting_user: User | None = None,
) -> MaturitySettings:
    settings = maturity_settings_get()
    after = {
        "window_days": window_days,
        "min_answers": min_answers,
        "max_overdue_cases": max_overdue_cases,
        "rollup_share_percent": rollup_share_percent,
    }
    before = {name: getattr(settings, name) for name in after}
    for name, value in after.items():
        setattr(settings, name, value)
    try:
        settings.full_clean()
    except ValidationError as error:
        raise DomainError(error.messages[0], code="invalid", fields=error.message_dict) from error
    settings.save()
    # The thresholds are numbers, never personal: the entry keeps their old and new values.
    extra = audit_changes(before=before, after=after, values_kept=after)
    if extra:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=settings, extra=extra)
    return settings


def _snapshot_row(
    *, day: dt.date, path_id: int | None, rollup: Rollup, touchpoints: int, encounters: int
) -> MaturitySnapshot:
    return MaturitySnapshot(
        taken_on=day,
        path_id=path_id,
        level=int(rollup.level),
        share_ad_hoc=rollup.shares[Level.AD_HOC],
        share_designed=rollup.shares[Level.DESIGNED],
        share_managed=rollup.shares[Level.MANAGED],
        weighted_by=rollup.weighted_by,
        touchpoints=touchpoints,
        encounters=encounters,
    )


@transaction.atomic
def maturity_snapshot_take(*, day: dt.date) -> MaturitySnapshot:
    """Store the company's, each path's and each touchpoint's level as of `day`. Re-running replaces it."""
    overview = maturity_overview(as_of=day)
    MaturitySnapshot.objects.filter(taken_on=day).delete()
    TouchpointLevel.objects.filter(taken_on=day).delete()
    rows = [
        _snapshot_row(
            day=day,
            path_id=path_id,
            rollup=rollup,
            touchpoints=len(items := overview.of_path(path_id)),
            encounters=sum(item.scores.encounters for item in items),
        )
        for path_id, rollup in overview.paths.items()
    ]
    company = _snapshot_row(
        day=day,
        path_id=None,
        rollup=overview.company,
        touchpoints=len(overview.touchpoints),
        encounters=sum(item.scores.encounters for item in overview.touchpoints),
    )
    MaturitySnapshot.objects.bulk_create([company, *rows])
    TouchpointLevel.objects.bulk_create(
        TouchpointLevel(taken_on=day, touchpoint_id=item.touchpoint.pk, level=int(item.level))
        for item in overview.touchpoints
    )
    return company


def maturity_history_backfill(*, until: dt.date, weeks: int = 52, progress: Callable[[str], None] | None = None) -> int:
    """Snapshots for every week back from `until` (evidence as of each day; today's map and owners).

    For a company that starts with history (an import, the demo), so the trend is not empty.
    """
    days = [until - dt.timedelta(weeks=back) for back in range(weeks, -1, -1)]
    for number, day in enumerate(days, 1):
        maturity_snapshot_take(day=day)
        if progress and (number % 10 == 0 or number == len(days)):
            progress(f"maturity history: {number}/{len(days)} weeks")
    return len(days)
