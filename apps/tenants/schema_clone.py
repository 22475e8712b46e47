"""Copy a migrated schema into a new one with plain DDL: a new company's tables in a fraction of a second.

Migrating a new schema runs every migration in Python, one statement at a time (seconds). The
template schema (settings.TENANT_BASE_SCHEMA) is migrated like every company's, so a copy of it is
what migrating would have made: the DDL here is read from PostgreSQL's own catalog (pg_get_*def)
and replayed in the new schema, names included, so later migrations find every constraint and
index under the name they expect. django-tenants' own clone_schema() renames unique constraints and
reorders columns, which is why it is not used.

Read with search_path set to the template alone, the catalog names the template's own objects
without a schema and everything else (public's extensions, operator classes) with one, so the DDL
replayed with search_path set to the new schema makes objects of the new schema only. The few
definitions PostgreSQL always qualifies (indexes, triggers, functions) have the template's name
replaced by the new one; both are plain identifiers, checked.

What the copy costs is PostgreSQL's: on PostgreSQL 15 every B-tree it builds, even on an empty
table, is written and fsynced on its own (1-3 ms each, and a company has some 350 with its primary
keys and unique constraints). The rest is kept small: each table is made by one CREATE TABLE that
carries its primary key, unique, check and foreign-key constraints, the tables in the order of
their foreign keys, so PostgreSQL neither checks a foreign key against rows (a new table has none)
nor alters a table once per constraint; only the tables the template has rows in are copied from.
Reading the catalog starts from the schema's own objects (pg_depend on its namespace), so it costs
the same at 5 companies as at 500.
"""

import re

from django.db import connection
from django.db.backends.utils import CursorWrapper

# Stand for the source and the target schema in the statements (no SQL text can contain NUL).
_SOURCE = "\x00source\x00"
_TARGET = "\x00target\x00"
_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _identifier(name: str) -> str:
    if not _PLAIN_IDENTIFIER.match(name):
        raise ValueError(f"not a plain schema name: {name!r}")
    return name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The schema's tables and sequences: every relation made in a schema depends on its namespace, and
# pg_depend is indexed on what is depended on. (pg_class has no index on relnamespace: a filter on it
# reads every relation of every company.)
_RELATIONS = """
    SELECT c.oid, c.relname, c.relkind, c.relpersistence
    FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = %(schema)s::regnamespace
      AND d.classid = 'pg_class'::regclass AND c.relkind IN ('r', 'S', 'v', 'm')
    ORDER BY c.oid
"""

_COLUMNS = """
    SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
           a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
           CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
           s.seqrelid::regclass::text, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
        AND dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass AND dep.deptype = 'i'
    LEFT JOIN pg_sequence s ON s.seqrelid = dep.objid
    WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""

# Every sequence with its value (NULL before the first nextval), whether it is a column's identity
# (made by its CREATE TABLE), and the column that owns a serial one.
_SEQUENCES = """
    SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
           s.seqcycle, dep.deptype = 'i', owner.relname, a.attname, pg_sequence_last_value(c.oid)
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    LEFT JOIN pg_depend dep ON dep.objid = c.oid AND dep.classid = 'pg_class'::regclass
        AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
    LEFT JOIN pg_class owner ON owner.oid = dep.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
    WHERE s.seqrelid = ANY(%(sequences)s)
    ORDER BY c.oid
"""

_FUNCTIONS = """
    SELECT pg_get_functiondef(p.oid)
    FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = %(schema)s::regnamespace
      AND d.classid = 'pg_proc'::regclass AND p.prokind IN ('f', 'p')
    ORDER BY p.oid
"""

_CONSTRAINTS = """
    SELECT k.conrelid, k.conname, pg_get_constraintdef(k.oid), k.contype, k.confrelid, k.convalidated
    FROM pg_constraint k
    WHERE k.conrelid = ANY(%(tables)s) AND k.contype IN ('p', 'u', 'c', 'x', 'f') AND k.conislocal
    ORDER BY k.oid
"""

# Indexes that are not a constraint's (those come with their constraint).
_INDEXES = """
    SELECT i.indrelid, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = ANY(%(tables)s)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
    ORDER BY i.indexrelid
"""

_TRIGGERS = """
    SELECT pg_get_triggerdef(t.oid), t.tgenabled, c.relname, t.tgname
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgrelid = ANY(%(tables)s) AND NOT t.tgisinternal
    ORDER BY t.oid
"""


def _sequence_options(start: int, increment: int, minimum: int, maximum: int, cache: int, cycle: bool) -> str:
    return (
        f"START WITH {start} INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} CACHE {cache}"
        f"{' CYCLE' if cycle else ' NO CYCLE'}"
    )


def schema_clone_statements(*, source: str) -> list[str]:
    """The SQL that rebuilds `source` (its tables, rows, sequences and all) in the current search_path's schema.

    The statements name the source only where they copy its rows; schema_clone() fills its name in.
    """
    source = _identifier(source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        (search_path,) = cursor.fetchone()
        cursor.execute(f"SET search_path = {source}")
        try:
            statements = _statements(cursor=cursor, source=source)
        finally:
            cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])
    return statements


def _column_definition(
    column: str,
    data_type: str,
    not_null: bool,
    identity: str,
    generated: str,
    default: str | None,
    collation: str | None,
    sequence: str | None,
    *sequence_options: object,
) -> str:
    definition = f"{_quote(column)} {data_type}"
    if collation:
        definition += f" COLLATE {collation}"
    if generated == "s":
        definition += f" GENERATED ALWAYS AS ({default}) STORED"
    elif default is not None:
        definition += f" DEFAULT {default}"
    if identity:
        kind = "ALWAYS" if identity == "a" else "BY DEFAULT"
        sequence_name = _quote(sequence.rsplit(".", 1)[-1])
        definition += (
            f" GENERATED {kind} AS IDENTITY (SEQUENCE NAME {sequence_name} {_sequence_options(*sequence_options)})"
        )
    if not_null:
        definition += " NOT NULL"
    return definition


def _foreign_key_order(tables: list[int], references: dict[int, set[int]]) -> list[int]:
    """The tables, each after the tables its foreign keys point at (as far as cycles allow)."""
    order: list[int] = []
    seen: set[int] = set()

    def visit(table: int) -> None:
        seen.add(table)
        for referenced in sorted(references.get(table, ())):
            if referenced not in seen:
                visit(referenced)
        order.append(table)

    for table in tables:
        if table not in seen:
            visit(table)
    return order


def _statements(*, cursor: CursorWrapper, source: str) -> list[str]:
    qualified = f"{source}."
    cursor.execute(_RELATIONS, {"schema": source})
    relations = cursor.fetchall()
    tables = {oid: (name, persistence) for oid, name, kind, persistence in relations if kind == "r"}
    parameters = {
        "schema": source,
        "tables": list(tables),
        "sequences": [oid for oid, _name, kind, _persistence in relations if kind == "S"],
    }

    cursor.execute(_COLUMNS, parameters)
    columns: dict[int, list[tuple]] = {}
    for table, *column in cursor.fetchall():
        columns.setdefault(table, []).append(tuple(column))
    cursor.execute(_CONSTRAINTS, parameters)
    constraints: dict[int, list[tuple]] = {}
    for table, *constraint in cursor.fetchall():
        constraints.setdefault(table, []).append(tuple(constraint))
    cursor.execute(_INDEXES, parameters)
    indexes: dict[int, list[str]] = {}
    for table, definition in cursor.fetchall():
        definition = definition.replace(f" ON ONLY {qualified}", " ON ONLY ", 1).replace(f" ON {qualified}", " ON ", 1)
        indexes.setdefault(table, []).append(definition)
    with_rows: set[str] = set()
    if tables:
        # Names from the catalog, quoted.
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {_literal(name)} WHERE EXISTS (SELECT FROM {_quote(name)})"  # noqa: S608
                for name, _persistence in tables.values()
            )
        )
        with_rows = {name for (name,) in cursor.fetchall()}

    statements: list[str] = []
    cursor.execute(_SEQUENCES, parameters)
    sequence_values = []
    owned_sequences = []
    for (
        name,
        data_type,
        start,
        increment,
        minimum,
        maximum,
        cache,
        cycle,
        identity,
        owner,
        column,
        value,
    ) in cursor.fetchall():
        if not identity:
            options = _sequence_options(start, increment, minimum, maximum, cache, cycle)
            statements.append(f"CREATE SEQUENCE {_quote(name)} AS {data_type} {options}")
        if owner is not None and not identity:
            owned_sequences.append(f"ALTER SEQUENCE {_quote(name)} OWNED BY {_quote(owner)}.{_quote(column)}")
        if value is not None:
            sequence_values.append(f"SELECT setval({_literal(_quote(name))}, {value}, true)")

    cursor.execute(_FUNCTIONS, parameters)
    for (definition,) in cursor.fetchall():
        # Trigger functions and the like: their bodies name tables without a schema, and a function
        # made with `SET search_path FROM CURRENT` carries the template's search_path, which must
        # become the new schema's, or the copy's triggers would write into the template.
        header, body = definition.replace(qualified, "", 1).split("\nAS ", 1)
        header = header.replace(f"'{source}'", f"'{_TARGET}'")
        statements.append(f"{header}\nAS {body}")

    # A foreign key is written into its table's CREATE TABLE when the table it points at is made
    # before it (or is itself, or is outside the schema); the others (a cycle) are added at the end.
    references = {
        table: {
            referenced for _n, _d, kind, referenced, _v in table_constraints if kind == "f" and referenced in tables
        }
        for table, table_constraints in constraints.items()
    }
    made: set[int] = set()
    copies, constraints_after = [], []
    identity_always = {table for table, table_columns in columns.items() if any(c[3] == "a" for c in table_columns)}
    for table in _foreign_key_order(list(tables), references):
        name, persistence = tables[table]
        definitions = [_column_definition(*column) for column in columns.get(table, [])]
        for constraint_name, definition, kind, referenced, validated in constraints.get(table, []):
            inline = validated and (
                kind != "f" or referenced == table or referenced in made or referenced not in tables
            )
            if inline:
                definitions.append(f"CONSTRAINT {_quote(constraint_name)} {definition}")
            else:
                constraints_after.append(
                    f"ALTER TABLE {_quote(name)} ADD CONSTRAINT {_quote(constraint_name)} {definition}"
                )
        unlogged = "UNLOGGED " if persistence == "u" else ""
        statements.append(f"CREATE {unlogged}TABLE {_quote(name)} ({', '.join(definitions)})")
        statements.extend(indexes.get(table, []))
        made.add(table)
        if name in with_rows:
            copied = ", ".join(_quote(column[0]) for column in columns.get(table, []) if column[4] != "s")
            overriding = " OVERRIDING SYSTEM VALUE" if table in identity_always else ""
            # Names from the catalog, quoted.
            copy = f"INSERT INTO {_quote(name)} ({copied}){overriding} SELECT {copied} FROM {_SOURCE}."  # noqa: S608
            copies.append(copy + _quote(name))
    statements.extend(owned_sequences)
    # The rows after every table is made, parents before children: a foreign key that is not
    # deferrable is checked as each row goes in.
    statements.extend(copies)
    statements.extend(sequence_values)
    statements.extend(constraints_after)

    for oid, name, kind, _persistence in relations:
        if kind in ("v", "m"):
            cursor.execute("SELECT pg_get_viewdef(%s)", [oid])
            (definition,) = cursor.fetchone()
            view = "MATERIALIZED VIEW" if kind == "m" else "VIEW"
            statements.append(f"CREATE {view} {_quote(name)} AS {definition.rstrip().rstrip(';')}")

    cursor.execute(_TRIGGERS, parameters)
    for definition, enabled, table_name, trigger in cursor.fetchall():
        statements.append(definition.replace(f" ON {qualified}", " ON ", 1))
        if enabled == "D":
            statements.append(f"ALTER TABLE {_quote(table_name)} DISABLE TRIGGER {_quote(trigger)}")
    return statements


def schema_clone(*, source: str, target: str, statements: list[str] | None = None) -> None:
    """Create schema `target` as a copy of `source`: structure, rows and sequence values.

    Runs in the caller's transaction when there is one (all or nothing); `statements` from
    schema_clone_statements() may be passed in when several schemas are cloned from one source.
    """
    source, target = _identifier(source), _identifier(target)
    if statements is None:
        statements = schema_clone_statements(source=source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        (search_path,) = cursor.fetchone()
        cursor.execute(f"CREATE SCHEMA {target}")
        cursor.execute(f"SET search_path = {target}, public")
        try:
            cursor.execute(
                ";\n".join(statement.replace(_SOURCE, source).replace(_TARGET, target) for statement in statements)
            )
        finally:
            cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])
