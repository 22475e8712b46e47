"""Reads marked for the read replica go there while it keeps up; everything else stays on the primary.

With DATABASE_REPLICA_URL set, settings add a "replica" database. A view (or any code)
opts in with `replica_reads()`, as a decorator or a context manager: the dashboard
pages, their CSV exports and the scores API do. Inside it, ReplicaRouter sends reads
to the replica, unless

- the replica lags more than DATABASE_REPLICA_MAX_LAG_SECONDS behind the primary or
  cannot be asked (then the primary answers, and the log says why once a check),
- the primary is inside a transaction (a write and the reads after it see the same data),
- the model is one whose every read must be current (sessions, login lockouts).

Writes always go to the primary, and nothing is migrated on the replica (it is a copy).

Schemas: django-tenants keeps the company on each connection. Before a read is sent to
the replica, the replica connection takes the primary connection's company (set by the
tenant middleware for a request, by tenant-schemas-celery for a task), so its
`SET search_path` is the one the primary would use.

Lag: every DATABASE_REPLICA_LAG_CHECK_SECONDS at most (per process) the router reads the
primary's current WAL position and the replica's replay position. Replayed up to it, the
lag is 0 (a quiet primary does not make a replica stale); behind it, the lag is the age
of the last replayed transaction, which is what a reader of the replica misses.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA_DB_ALIAS = "replica"
# Read on every request by the session and login-lockout machinery: a login must be seen at once.
PRIMARY_ONLY_APP_LABELS = frozenset({"sessions", "axes", "django_celery_beat"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the read replica (a decorator too: `@replica_reads()`).

    Only for reads that may be a few seconds old: dashboards, exports, reports. A page that
    reads what it has just written must not be marked.
    """
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@dataclass(frozen=True)
class ReplicaState:
    usable: bool
    lag_seconds: float | None
    checked_at: float


_state: ReplicaState | None = None


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica's replay is behind the primary, in seconds; None when it cannot tell."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        primary_lsn = cursor.fetchone()[0]
    with connections[REPLICA_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn,"
            " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8",
            [primary_lsn],
        )
        in_recovery, caught_up, replay_age = cursor.fetchone()
    if not in_recovery or caught_up:
        return 0.0
    return replay_age


def replica_state(*, now: float | None = None) -> ReplicaState:
    """The replica's usability, measured at most every DATABASE_REPLICA_LAG_CHECK_SECONDS per process."""
    global _state
    now = time.monotonic() if now is None else now
    if _state is not None and now - _state.checked_at < settings.DATABASE_REPLICA_LAG_CHECK_SECONDS:
        return _state
    try:
        lag = replica_lag_seconds()
    except DatabaseError:
        logger.warning("read replica unavailable; reading from the primary", exc_info=True)
        connections[REPLICA_DB_ALIAS].close()
        lag = None
    usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if lag is not None and not usable:
        logger.warning("read replica %.1f s behind; reading from the primary", lag)
    _state = ReplicaState(usable=usable, lag_seconds=lag, checked_at=now)
    return _state


def replica_state_forget() -> None:
    """Measure again at the next read (tests, and after a failover)."""
    global _state
    _state = None


def _replica_company_follow() -> None:
    """Give the replica connection the primary connection's company, when it differs."""
    primary = connections[DEFAULT_DB_ALIAS]
    replica = connections[REPLICA_DB_ALIAS]
    if (replica.schema_name, replica.include_public_schema) != (primary.schema_name, primary.include_public_schema):
        replica.set_tenant(primary.tenant, include_public=primary.include_public_schema)


class ReplicaRouter:
    """See the module's docstring. Listed before django-tenants' TenantSyncRouter."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APP_LABELS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if not replica_state().usable:
            return None
        _replica_company_follow()
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}:
            return True  # the same rows, one of them maybe read a moment earlier
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA_DB_ALIAS else None
