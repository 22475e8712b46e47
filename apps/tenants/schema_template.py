"""The template schema new companies are cloned from, and which schemas lack a migration on disk.

The template (settings.TENANT_BASE_SCHEMA) is a schema like a company's, migrated by
`migrate_schemas` with the companies, that holds only what the migrations write. It has no
company row and no domain, so nothing routes to it or lists it, and its name starts with an
underscore, which no company identifier can (they start with a letter).
"""

import logging
import pkgutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MIGRATIONS_MODULE_NAME, MigrationLoader
from psycopg import sql

from apps.tenants.schema_clone import schema_clone, schema_clone_statements

logger = logging.getLogger(__name__)

# The advisory lock a template migration holds alone and copies of the template share, so no
# company is copied from a template half-way through a migration.
_TEMPLATE_LOCK = 7_311_205_101

# The template's DDL, read once per process and state of the template (its django_migrations).
_clone_statements: dict[tuple, list[str]] = {}

# Schemas checked per query: one query reads the django_migrations of this many schemas.
_SCHEMAS_PER_QUERY = 250


def template_schema_name() -> str | None:
    return getattr(settings, "TENANT_BASE_SCHEMA", None) or None


def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration of the project as (app, name): what a schema at the latest migration has recorded.

    Django records every migration in every schema, also those the router keeps out of it (their
    operations are skipped), so a company's django_migrations lists all of them. The names are the
    migration files Django's MigrationLoader finds, listed the way it lists them but without importing
    each one (building the graph costs a new process a third of a second; listing, milliseconds), and
    read again on each call, so a file added while a process runs counts at once.
    """
    names: set[tuple[str, str]] = set()
    for app_config in apps.get_app_configs():
        module_name, explicit = MigrationLoader.migrations_module(app_config.label)
        if module_name is None:
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if explicit or MIGRATIONS_MODULE_NAME in (error.name or "").split("."):
                continue
            raise
        # A migrations.py module or an empty directory (a namespace package) holds no migrations.
        if not hasattr(module, "__path__") or (
            getattr(module, "__file__", None) is None and not isinstance(module.__path__, list)
        ):
            continue
        names.update(
            (app_config.label, name)
            for _finder, name, is_package in pkgutil.iter_modules(module.__path__)
            if not is_package and name[0] not in "_~"
        )
    return frozenset(names)


def schemas_behind(schema_names: Iterable[str]) -> list[str]:
    """The given schemas that miss a migration on disk (or do not exist yet), in the given order.

    One query per 250 schemas compares each schema's django_migrations with the migrations on disk.
    """
    schema_names = list(schema_names)
    required = sorted(migrations_on_disk())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
            [schema_names],
        )
        with_table = {name for (name,) in cursor.fetchall()}
        complete: set[str] = set()
        candidates = [name for name in schema_names if name in with_table]
        for start in range(0, len(candidates), _SCHEMAS_PER_QUERY):
            chunk = candidates[start : start + _SCHEMAS_PER_QUERY]
            per_schema = sql.SQL(" UNION ALL ").join(
                sql.SQL(
                    "SELECT {name} AS schema_name, count(DISTINCT (m.app, m.name)) AS applied "
                    "FROM {schema}.django_migrations m JOIN required r ON r.app = m.app AND r.name = m.name"
                ).format(name=sql.Literal(name), schema=sql.Identifier(name))
                for name in chunk
            )
            query = sql.SQL("WITH required (app, name) AS (SELECT * FROM unnest(%s::text[], %s::text[])) {}").format(
                per_schema
            )
            cursor.execute(query, [[app for app, _name in required], [name for _app, name in required]])
            complete.update(name for name, applied in cursor.fetchall() if applied == len(required))
    return [name for name in schema_names if name not in complete]


def template_schema_create_if_missing() -> bool:
    """Create the template's (empty) schema when it does not exist, for migrate_schemas to migrate; True if created."""
    template = template_schema_name()
    if template is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [template])
        if cursor.fetchone():
            return False
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(template)))
    return True


def company_schema_clone(*, schema_name: str) -> bool:
    """Create a company's schema as a copy of the template; False (nothing done) when there is no current template.

    A template that is missing or behind the migrations on disk is not copied: the caller migrates
    the new schema instead, and the next `migrate_schemas` brings the template up to date.
    """
    template = template_schema_name()
    if template is None:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_TEMPLATE_LOCK])
        if schemas_behind([template]):
            logger.warning(
                "template schema %s is missing or behind the migrations; migrating %s instead", template, schema_name
            )
            return False
        schema_clone(source=template, target=schema_name, statements=_template_clone_statements(template))
    return True


def _template_clone_statements(template: str) -> list[str]:
    """The template's DDL; read again only after the template was migrated or made again.

    Reading it is ten catalog queries, each a pass over pg_class (0.1 s at 5 companies, 1 s at 500).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT count(*), max(id), max(applied) FROM {}.django_migrations").format(sql.Identifier(template))
        )
        key = (template, *cursor.fetchone())
    if key not in _clone_statements:
        _clone_statements.clear()
        _clone_statements[key] = schema_clone_statements(source=template)
    return _clone_statements[key]


@contextmanager
def template_schema_migrating() -> Iterator[None]:
    """Hold the template while it is migrated: copies wait for the migration to finish."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
    try:
        yield
    finally:
        # django-tenants closes the connection after migrating a schema, which has let the lock go already.
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK])
