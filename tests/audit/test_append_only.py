"""The log is append-only in PostgreSQL itself: UPDATE and DELETE are refused in every schema."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.audit.services import audit_log_record

pytestmark = pytest.mark.django_db


def _refused(statement, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)


@pytest.mark.parametrize("schema", ["alpha", "beta", "public"])
def test_update_and_delete_are_refused_raw_and_by_the_orm(schema):
    with schema_context(schema):
        entry = audit_log_record(event_type=AuditEvent.LOGIN_FAILED, extra={"known_user": False})
        _refused("UPDATE audit_auditlogentry SET extra_data = '{}' WHERE id = %s", [entry.pk])
        _refused("DELETE FROM audit_auditlogentry WHERE id = %s", [entry.pk])
        # Even one that matches nothing: the statement itself is refused.
        _refused("DELETE FROM audit_auditlogentry WHERE id = -1")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditLogEntry.objects.filter(pk=entry.pk).update(event_type=AuditEvent.LOGIN)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            entry.delete()
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            entry.extra_data = {"known_user": True}
            entry.save()
        entry.refresh_from_db()
        assert (entry.event_type, entry.extra_data) == (AuditEvent.LOGIN_FAILED, {"known_user": False})


def test_truncate_still_works_for_test_cleanup_and_schema_removal():
    audit_log_record(event_type=AuditEvent.LOGOUT)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditlogentry")
        assert not AuditLogEntry.objects.exists()
        transaction.set_rollback(True)
    assert AuditLogEntry.objects.exists()


def test_each_company_schema_has_its_own_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE t.tgname = 'audit_log_append_only' AND t.tgenabled = 'O'
            """
        )
        schemas = {row[0] for row in cursor.fetchall()}
    assert {"public", "alpha", "beta"} <= schemas
