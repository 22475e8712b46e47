"""How a task that sends or queues a message rides out a database that is briefly away.

A PostgreSQL restart or failover kills every open connection; a task that meets it
would otherwise end in an error, and its email would wait for the next hand-out
(minutes). Retried a few times over about a minute instead, the task finds the
database back. Every such task claims its row first, so a retry that comes after
the work was done does nothing.
"""

from django.db import InterfaceError, OperationalError

DATABASE_AWAY_RETRY = {
    "autoretry_for": (InterfaceError, OperationalError),
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 6,
}
