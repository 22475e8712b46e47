"""Everything PostgreSQL knows about one schema, with the schema's own name taken out, for comparing two schemas.

Two company schemas are equal when their catalogs are: tables, columns (types, defaults, identity),
constraints, indexes, sequences (and the column each belongs to), triggers, functions, views, the
django_migrations rows and every row the migrations wrote.
"""

import re
from typing import Any

from django.db import connection
from psycopg import sql

_CATALOG_QUERIES = {
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence, c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'i', 'I', 'c')
    """,
    "columns": """
        SELECT c.relname, a.attname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attcollation::regcollation::text
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %(schema)s AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
    """,
    "constraints": """
        SELECT c.relname, k.conname, k.contype, k.condeferrable, k.condeferred, k.convalidated,
               pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s
    """,
    "indexes": """
        SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary, i.indnatts,
               i.indclass::text, i.indoption::text, am.amname
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s
    """,
    "sequences": """
        SELECT s.sequencename, s.data_type::text, s.start_value, s.min_value, s.max_value, s.increment_by,
               s.cycle, s.cache_size, s.last_value
        FROM pg_sequences s WHERE s.schemaname = %(schema)s
    """,
    # Which column owns each sequence (serial or identity), and that the owner is in the same schema.
    "sequence_owners": """
        SELECT seq.relname, tn.nspname = %(schema)s, tbl.relname, a.attname, d.deptype
        FROM pg_class seq
        JOIN pg_namespace sn ON sn.oid = seq.relnamespace
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = seq.oid
            AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class tbl ON tbl.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = tbl.relnamespace
        JOIN pg_attribute a ON a.attrelid = tbl.oid AND a.attnum = d.refobjsubid
        WHERE sn.nspname = %(schema)s AND seq.relkind = 'S'
    """,
    # Column defaults that read a sequence: the sequence must be the schema's own.
    "default_sequences": """
        SELECT c.relname, a.attname, sn.nspname = %(schema)s, seq.relname
        FROM pg_attrdef d
        JOIN pg_class c ON c.oid = d.adrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
            AND dep.refclassid = 'pg_class'::regclass
        JOIN pg_class seq ON seq.oid = dep.refobjid AND seq.relkind = 'S'
        JOIN pg_namespace sn ON sn.oid = seq.relnamespace
        WHERE n.nspname = %(schema)s
    """,
    "triggers": """
        SELECT c.relname, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), pn.nspname = %(schema)s, p.proname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
    """,
    "functions": """
        SELECT p.proname, p.prokind, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
    """,
    "views": """
        SELECT c.relname, pg_get_viewdef(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm')
    """,
    "types": """
        SELECT t.typname, t.typtype
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s AND t.typtype IN ('e', 'd', 'c', 'r') AND t.typrelid = 0
    """,
}


_CASTS_AND_PARENTHESES = re.compile(r"::[a-z ]+(\[\])?|[()]")


def _without_schema(value: Any, schema: str) -> Any:
    if isinstance(value, str):
        value = re.sub(rf'(?<![a-z0-9_])"?{re.escape(schema)}"?\.', "<schema>.", value).replace(
            f"'{schema}'", "'<schema>'"
        )
        if value.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")) and " WHERE " in value:
            # PostgreSQL prints a partial index's condition in a form that reads back with its casts moved
            # (`ANY ((ARRAY['a'::varchar])::text[])` becomes `ANY (ARRAY[('a'::varchar)::text])`), as after
            # pg_dump and restore: compare the condition without casts and parentheses.
            head, condition = value.split(" WHERE ", 1)
            value = f"{head} WHERE {_CASTS_AND_PARENTHESES.sub('', condition)}"
    return value


def schema_catalog(schema: str) -> dict[str, list[tuple]]:
    """The catalog of `schema` and its rows, sorted, with its name replaced by <schema>."""
    catalog: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for name, query in _CATALOG_QUERIES.items():
            cursor.execute(query, {"schema": schema})
            catalog[name] = sorted(
                (tuple(_without_schema(value, schema) for value in row) for row in cursor.fetchall()), key=repr
            )
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [schema],
        )
        for (table,) in cursor.fetchall():
            columns = "*" if table != "django_migrations" else "app, name"
            cursor.execute(
                sql.SQL("SELECT {} FROM {}.{}").format(sql.SQL(columns), sql.Identifier(schema), sql.Identifier(table))
            )
            catalog[f"rows of {table}"] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return catalog


def catalog_differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]]) -> dict[str, dict[str, list]]:
    """Per part of the catalog, what only one side has (empty when the two schemas are equal)."""
    differences = {}
    for part in sorted(set(left) | set(right)):
        only_left = [row for row in left.get(part, []) if row not in right.get(part, [])]
        only_right = [row for row in right.get(part, []) if row not in left.get(part, [])]
        if only_left or only_right:
            differences[part] = {"only left": only_left, "only right": only_right}
    return differences
