"""Triggers that mark roll-up buckets dirty whenever a source row changes.

Statement-level triggers with transition tables: a bulk insert of ten thousand
encounters writes its marks in one INSERT ... SELECT DISTINCT, not ten thousand.
Each function keeps the search path it was created with (the company's schema), so
a mark always lands in the same schema as the row that changed.
"""

from django.db import migrations

# table -> SQL selecting (touchpoint_id, at) of the buckets touched by the rows in `changed_rows`
_MARKS = {
    "encounters_encounter": """
        SELECT r.touchpoint_id, r.occurred_at FROM changed_rows r
        UNION SELECT i.touchpoint_id, i.sent_at FROM surveys_invitation i
            JOIN changed_rows r ON i.encounter_id = r.id WHERE i.sent_at IS NOT NULL
        UNION SELECT s.touchpoint_id, s.submitted_at FROM surveys_response s
            JOIN changed_rows r ON s.encounter_id = r.id
    """,
    "surveys_invitation": """
        SELECT DISTINCT r.touchpoint_id, r.sent_at FROM changed_rows r WHERE r.sent_at IS NOT NULL
    """,
    "surveys_response": """
        SELECT DISTINCT r.touchpoint_id, r.submitted_at FROM changed_rows r
    """,
    "surveys_answer": """
        SELECT DISTINCT s.touchpoint_id, s.submitted_at FROM surveys_response s
            WHERE s.id IN (SELECT r.response_id FROM changed_rows r)
    """,
}

_CUSTOMER_MARKS = """
    WITH changed AS (
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.persona_id IS DISTINCT FROM o.persona_id OR n.segment_id IS DISTINCT FROM o.segment_id
    )
    SELECT e.touchpoint_id, e.occurred_at FROM encounters_encounter e WHERE e.customer_id IN (SELECT id FROM changed)
    UNION SELECT i.touchpoint_id, i.sent_at FROM surveys_invitation i
        WHERE i.customer_id IN (SELECT id FROM changed) AND i.sent_at IS NOT NULL
    UNION SELECT s.touchpoint_id, s.submitted_at FROM surveys_response s WHERE s.customer_id IN (SELECT id FROM changed)
"""


def _function(name: str, select: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            INSERT INTO metrics_dirtymark (touchpoint_id, at) {select};
            RETURN NULL;
        END $$;
    """


def _forward_sql() -> list[str]:
    statements = []
    for table, select in _MARKS.items():
        function = f"metrics_mark_{table}"
        statements.append(_function(function, select))
        for suffix, event, reference in (
            ("ins", "INSERT", "NEW TABLE AS changed_rows"),
            ("upd_old", "UPDATE", "OLD TABLE AS changed_rows"),
            ("upd_new", "UPDATE", "NEW TABLE AS changed_rows"),
            ("del", "DELETE", "OLD TABLE AS changed_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER metrics_mark_{suffix} AFTER {event} ON {table} "
                f"REFERENCING {reference} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
    statements.append(_function("metrics_mark_customers_customer", _CUSTOMER_MARKS))
    statements.append(
        "CREATE TRIGGER metrics_mark_upd AFTER UPDATE ON customers_customer "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_customers_customer();"
    )
    return statements


def _reverse_sql() -> list[str]:
    statements = []
    for table in _MARKS:
        for suffix in ("ins", "upd_old", "upd_new", "del"):
            statements.append(f"DROP TRIGGER IF EXISTS metrics_mark_{suffix} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS metrics_mark_{table}();")
    statements.append("DROP TRIGGER IF EXISTS metrics_mark_upd ON customers_customer;")
    statements.append("DROP FUNCTION IF EXISTS metrics_mark_customers_customer();")
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_initial"),
        ("encounters", "0001_initial"),
        ("surveys", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [migrations.RunSQL(sql=_forward_sql(), reverse_sql=_reverse_sql())]
