"""Every-table scan: where in the database does a string still occur?

The columns are read from pg_catalog, not from a list, so a table or column added
later is scanned without anyone remembering to. Every text, varchar, char, JSON,
JSONB and bytea column (and arrays of text) of every table of the given schemas is
searched case-insensitively; bytea is searched as its UTF-8 text.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

_TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea", "text[]", "character varying[]")


@dataclass(frozen=True)
class ScanHit:
    schema: str
    table: str
    column: str
    needle: str
    count: int

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}.{self.column}: {self.count} x {self.needle!r}"


def scanned_columns(schemas: Iterable[str]) -> list[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every text-like column of every ordinary table of `schemas`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'm')
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY 1, 2, 3
            """,
            [list(schemas)],
        )
        rows = cursor.fetchall()
    wanted = set(_TEXT_TYPES)
    return [
        (schema, table, column, type_name)
        for schema, table, column, type_name in rows
        if type_name in wanted or type_name.startswith(("character", "text"))
    ]


def _column_text(column: str, type_name: str) -> str:
    quoted = connection.ops.quote_name(column)
    if type_name.endswith("[]") or type_name.startswith("json"):
        return f"{quoted}::text"
    return quoted


def database_scan(needles: Iterable[str], *, schemas: Iterable[str]) -> list[ScanHit]:
    """Every (schema, table, column) holding any of `needles`, with how many rows do.

    JSON is searched in its text form and also with its escapes undone (a name with
    "ä" is stored as "\\u00e4" in json columns), so an escaped copy is found too.
    """
    needles = [needle for needle in dict.fromkeys(needles) if needle]
    hits: list[ScanHit] = []
    columns = scanned_columns(schemas)
    with connection.cursor() as cursor:
        for schema, table, column, type_name in columns:
            text = _column_text(column, type_name)
            qualified = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
            for needle in needles:
                if type_name == "bytea":
                    # Bytes are compared as bytes (exact, lower- and upper-case UTF-8) and, for ASCII
                    # case-insensitivity, in their escaped text form.
                    column_sql = connection.ops.quote_name(column)
                    where = (
                        f"position(convert_to(%s, 'UTF8') in {column_sql}) > 0"
                        f" OR position(convert_to(%s, 'UTF8') in {column_sql}) > 0"
                        f" OR position(convert_to(%s, 'UTF8') in {column_sql}) > 0"
                        f" OR encode({column_sql}, 'escape') ILIKE %s"
                    )
                    params = [needle, needle.lower(), needle.upper(), "%" + _like_escape(needle) + "%"]
                elif type_name.startswith("json"):
                    where = f"{text} ILIKE %s OR {text} ILIKE %s"
                    params = [
                        "%" + _like_escape(needle) + "%",
                        "%" + _like_escape(_json_escaped(needle)) + "%",
                    ]
                else:
                    where = f"{text} ILIKE %s"
                    params = ["%" + _like_escape(needle) + "%"]
                cursor.execute(f"SELECT count(*) FROM {qualified} WHERE {where}", params)  # noqa: S608
                (count,) = cursor.fetchone()
                if count:
                    hits.append(ScanHit(schema=schema, table=table, column=column, needle=needle, count=count))
    return hits


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]
