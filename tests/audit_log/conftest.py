"""The audit log's pages read the entries the recorder's tests write: its fixture, shared."""

from tests.audit.conftest import new_entries  # noqa: F401  (a fixture, found by name)
