"""New companies are copies of the template schema, equal to a migrated schema in every catalog detail."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django_tenants.utils import schema_context
from psycopg import sql

from apps.accounts.models import User
from apps.core.tenancy import tenant_list_active
from apps.tenants.models import Tenant
from apps.tenants.schema_template import migrations_on_disk, schemas_behind, template_schema_name
from apps.tenants.services import company_create
from tests.tenants.schema_catalog import catalog_differences, schema_catalog

pytestmark = pytest.mark.django_db

TEMPLATE = "_company_template"


def test_the_template_is_migrated_with_the_companies_and_is_no_company():
    assert template_schema_name() == TEMPLATE
    assert schemas_behind([TEMPLATE, "alpha", "beta"]) == []
    assert not Tenant.objects.filter(schema_name=TEMPLATE).exists()
    assert TEMPLATE not in {tenant.schema_name for tenant in tenant_list_active()}


def test_the_migrations_on_disk_are_the_nodes_of_djangos_migration_graph():
    # migrations_on_disk() lists the files without importing them; Django's loader imports every one.
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert migrations_on_disk() == frozenset(graph.nodes)
    assert not any(graph.nodes[key].replaces for key in graph.nodes)  # no squashed migration yet


def test_a_cloned_company_equals_a_migrated_one():
    with schema_context("public"):
        with override_settings(TENANT_BASE_SCHEMA=None):
            Tenant(schema_name="migrated", name="Migrated Oy").save(verbosity=0)
        Tenant(schema_name="cloned", name="Cloned Oy").save(verbosity=0)

    migrated, cloned = schema_catalog("migrated"), schema_catalog("cloned")

    assert catalog_differences(migrated, cloned) == {}
    # the comparison is not vacuous: the parts the issue names are all there
    assert len(migrated["relations"]) > 100
    assert {row[1] for row in migrated["triggers"]} >= {"metrics_mark_ins", "metrics_mark_upd"}
    assert any("REFERENCING" in row[3] for row in migrated["triggers"])
    assert len(migrated["functions"]) >= 1 and len(migrated["sequence_owners"]) >= 40
    assert len(migrated["rows of django_migrations"]) == len(migrations_on_disk())
    assert migrated["rows of django_content_type"] and migrated["rows of auth_permission"]
    # a new company holds only what the migrations write: every other table of the copy is empty
    tables_with_rows = {part for part, rows in cloned.items() if part.startswith("rows of ") and rows}
    assert tables_with_rows == {part for part, rows in migrated.items() if part.startswith("rows of ") and rows}
    assert tables_with_rows >= {"rows of django_migrations", "rows of django_content_type"}


def test_a_cloned_company_owns_its_sequences_and_its_trigger_functions():
    company_create(name="Iota Oy", slug="iota", admin_email="boss@iota.example")
    with connection.cursor() as cursor:
        # every sequence belongs to a column of the new schema, and every default reads the new schema's
        cursor.execute(
            "SELECT count(*) FROM pg_depend d JOIN pg_class s ON s.oid = d.objid JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND s.relnamespace = 'iota'::regnamespace AND d.refclassid = 'pg_class'::regclass "
            "AND t.relnamespace <> s.relnamespace"
        )
        assert cursor.fetchone() == (0,)
        # the metrics trigger functions run in the new schema, not in the template they were copied from
        cursor.execute("SELECT DISTINCT proconfig FROM pg_proc WHERE pronamespace = 'iota'::regnamespace")
        assert cursor.fetchall() == [(["search_path=iota, public"],)]
        cursor.execute(
            "SELECT DISTINCT p.pronamespace::regnamespace::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'iota'::regnamespace) "
            "AND NOT t.tgisinternal"
        )
        assert cursor.fetchall() == [("iota",)]
    with schema_context("iota"):
        assert User.objects.get().pk == 1


def test_a_template_behind_the_migrations_is_not_copied_the_company_is_migrated(monkeypatch):
    monkeypatch.setattr("apps.tenants.schema_template.schemas_behind", lambda schemas: list(schemas))
    company_create(name="Kappa Oy", slug="kappa", admin_email="boss@kappa.example")
    monkeypatch.undo()

    assert schemas_behind(["kappa"]) == []
    assert catalog_differences(schema_catalog(TEMPLATE), schema_catalog("kappa")).keys() == {
        "rows of accounts_user",
        "rows of audit_auditlogentry",  # the first admin's invitation
        "sequences",
    }


def test_migrate_schemas_skips_the_schemas_at_the_latest_migration(capsys):
    companies = Tenant.objects.exclude(schema_name="public").count()
    call_command("migrate_schemas", tenant=True, verbosity=1)

    # django-tenants' executors write to the process's stdout
    out = capsys.readouterr().out
    assert f"{companies + 1} of {companies + 1} schemas already at the latest migration, skipped" in out
    assert "migrating 0." in out
    assert "Applying" not in out


def test_migrate_schemas_migrates_a_schema_missing_a_migration(capsys):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM beta.django_migrations WHERE app = 'sessions'")
        cursor.execute("DROP TABLE beta.django_session")
    call_command("migrate_schemas", tenant=True, verbosity=1)

    out = capsys.readouterr().out
    assert "migrating 1." in out
    assert "[1/1 (100%) standard:beta]   Applying sessions.0001_initial... OK" in out
    assert schemas_behind(["beta"]) == []


def test_schemas_behind_names_a_schema_missing_a_migration():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM beta.django_migrations WHERE app = 'metrics' AND name = '0002_dirty_mark_triggers'")
    assert schemas_behind(["alpha", "beta", "no_such_schema"]) == ["beta", "no_such_schema"]


def test_without_a_template_companies_are_migrated_and_migrate_schemas_makes_the_template(capsys):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {TEMPLATE} CASCADE")
    company_create(name="Lambda Oy", slug="lambda", admin_email="boss@lambda.example")
    assert schemas_behind(["lambda"]) == []

    call_command("migrate_schemas", tenant=True, verbosity=1)

    out = capsys.readouterr().out
    assert f"Created the template schema {TEMPLATE}." in out
    assert f"[1/1 (100%) standard:{TEMPLATE}]   Applying metrics.0002_dirty_mark_triggers... OK" in out
    assert schemas_behind([TEMPLATE]) == []
    assert catalog_differences(schema_catalog(TEMPLATE), schema_catalog("lambda")).keys() == {
        "rows of accounts_user",
        "rows of audit_auditlogentry",  # the first admin's invitation
        "sequences",
    }


def test_migrate_schemas_of_one_company_leaves_the_template_alone(capsys):
    call_command("migrate_schemas", schema_name="alpha", verbosity=1)
    out = capsys.readouterr().out
    assert "1 of 1 schemas already at the latest migration, skipped" in out


def _sessions_migration_undo(schema: str) -> None:
    """Put `schema` back to before sessions.0001_initial (a leaf migration: nothing depends on it)."""
    with connection.cursor() as cursor:
        name = sql.Identifier(schema)
        cursor.execute(sql.SQL("DELETE FROM {}.django_migrations WHERE app = 'sessions'").format(name))
        cursor.execute(sql.SQL("DROP TABLE {}.django_session").format(name))


def test_migrate_schemas_migrates_the_three_companies_with_a_pending_migration_and_only_them(capsys):
    for slug in ("mu", "nu", "xi"):
        company_create(name=f"{slug.title()} Oy", slug=slug, admin_email=f"boss@{slug}.example")
    for schema in ("mu", "nu", "xi"):
        _sessions_migration_undo(schema)
    assert schemas_behind(["alpha", "beta", "mu", "nu", "xi", TEMPLATE]) == ["mu", "nu", "xi"]
    capsys.readouterr()

    call_command("migrate_schemas", verbosity=1)

    out = capsys.readouterr().out
    companies = Tenant.objects.exclude(schema_name="public").count()
    assert "The public schema is already at the latest migration, skipped." in out
    assert f"{companies - 2} of {companies + 1} schemas already at the latest migration, skipped" in out
    assert "migrating 3." in out
    for number, schema in enumerate(sorted(["mu", "nu", "xi"]), start=1):
        assert f"[{number}/3 ({100 * number // 3}%) standard:{schema}]   Applying sessions.0001_initial... OK" in out
    assert out.count("Applying") == 3
    assert schemas_behind(["public", "alpha", "beta", "mu", "nu", "xi", TEMPLATE]) == []
    # the migration made the table again, in each of the three
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'django_session' "
            "AND table_schema IN ('mu', 'nu', 'xi') ORDER BY 1"
        )
        assert cursor.fetchall() == [("mu",), ("nu",), ("xi",)]


def test_migrate_schemas_skips_the_public_schema_at_the_latest_migration(capsys):
    call_command("migrate_schemas", shared=True, verbosity=1)

    out = capsys.readouterr().out
    assert "The public schema is already at the latest migration, skipped." in out
    assert "standard:public" not in out


def test_migrate_schemas_migrates_the_public_schema_missing_a_migration(capsys):
    _sessions_migration_undo("public")
    assert schemas_behind(["public"]) == ["public"]

    call_command("migrate_schemas", shared=True, verbosity=1)

    out = capsys.readouterr().out
    assert "[standard:public]   Applying sessions.0001_initial... OK" in out
    assert schemas_behind(["public"]) == []
