"""Giving due rows to workers' queues once: the claim behind the survey dispatch and the outbox sweep.

A periodic run finds the rows whose time has come and sends a task for each. A row
given out is stamped (`handed_out_at`) and not given again until `again_before`, so a
backlog of slow work does not fill the queue with copies of the same task, and a task
lost with Redis is given again once that time has passed. Rows locked by a concurrent
run are skipped, not waited for.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet


def rows_hand_out(*, due: QuerySet, now: dt.datetime, again_before: dt.datetime, limit: int) -> list[int]:
    """Stamp and return the ids of up to `limit` rows of `due` (oldest due first) not given out since
    `again_before`. The model has `due_at` and `handed_out_at`."""
    with transaction.atomic():
        ids = list(
            due.filter(Q(handed_out_at__isnull=True) | Q(handed_out_at__lt=again_before))
            .select_for_update(skip_locked=True)
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        due.model.objects.filter(pk__in=ids).update(handed_out_at=now)
    return ids
