"""The audit log is append-only in the database itself: UPDATE and DELETE on its table are refused.

Not only the ORM's: a raw statement, the admin or a bug in a later feature cannot rewrite
or remove an entry. TRUNCATE is left alone, so the tests' cleanup and a company's removal
(DROP SCHEMA) still work. Statement-level, so even an UPDATE that matches no row is refused.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    """,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_auditlogentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();",
]

REVERSE = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_auditlogentry;",
    "DROP FUNCTION IF EXISTS audit_log_refuse_change();",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=REVERSE)]
