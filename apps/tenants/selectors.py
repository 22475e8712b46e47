import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from apps.tenants.models import Tenant


def tenant_list_active() -> QuerySet[Tenant]:
    return Tenant.objects.exclude(schema_name=get_public_schema_name()).filter(is_active=True).order_by("schema_name")


def tenant_primary_domain(*, tenant: Tenant) -> str:
    domain = tenant.domains.filter(is_primary=True).first() or tenant.domains.first()
    return domain.domain if domain else ""


def company_host(*, tenant: Tenant) -> str:
    """The company's own domain as links in emails name it (with SITE_PORT in development)."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{tenant_primary_domain(tenant=tenant)}{port}"


def company_url(*, tenant: Tenant, path: str) -> str:
    """An absolute URL on the company's own domain, for links in emails."""
    return f"{settings.SITE_SCHEME}://{company_host(tenant=tenant)}{path}"


def company_time_zone() -> ZoneInfo:
    """The current company's time zone (days, weeks and months of its reports are local)."""
    time_zone = getattr(connection.tenant, "time_zone", None)
    if time_zone is None:
        # schema_context() sets a stand-in without the company's fields: look the company up.
        time_zone = (
            Tenant.objects.filter(schema_name=connection.schema_name).values_list("time_zone", flat=True).first()
        )
    return ZoneInfo(time_zone or settings.TIME_ZONE)


def company_today(*, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(company_time_zone()).date()


def company_day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=company_time_zone())


@dataclass(frozen=True)
class CompanyOverviewRow:
    tenant: Tenant
    users: int
    encounters: int
    answers: int
    last_activity: dt.datetime | None
    size_bytes: int


# The company tables the operators' overview counts in, by app label and model name: looked up
# by name, as the overview reads every company's schema from the public one without importing
# the apps above this one.
_OVERVIEW_TABLES = {
    "users": ("accounts", "User"),
    "encounters": ("encounters", "Encounter"),
    "answers": ("surveys", "Response"),
}


def company_overview_list(*, days: int = 30, now: dt.datetime | None = None) -> list[CompanyOverviewRow]:
    """Every company with its active users, its encounters and survey answers of the last `days` days,
    its last activity (a login, an encounter or an answer) and its schema's size on disk.

    One query for all companies: a branch per schema, each counting through the indexes on the time
    columns, and the sizes of all schemas from the catalogue in one pass.
    """
    tenants = list(Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("name"))
    if not tenants:
        return []
    since = (now or timezone.now()) - dt.timedelta(days=days)
    users, encounters, answers = (
        django_apps.get_model(*_OVERVIEW_TABLES[key])._meta.db_table for key in ("users", "encounters", "answers")
    )
    branches = []
    for tenant in tenants:
        # Schema names are checked identifiers (django-tenants); quoted all the same, quotes doubled.
        schema = '"' + tenant.schema_name.replace('"', '""') + '"'
        branches.append(
            f"SELECT {int(tenant.pk)} AS tenant_id,"  # noqa: S608 - names from the catalogue, values are parameters
            f" (SELECT count(*) FROM {schema}.{users} WHERE is_active) AS users,"
            f" (SELECT count(*) FROM {schema}.{encounters} WHERE occurred_at >= %(since)s) AS encounters,"
            f" (SELECT count(*) FROM {schema}.{answers} WHERE submitted_at >= %(since)s) AS answers,"
            f" GREATEST((SELECT max(last_login) FROM {schema}.{users}),"
            f" (SELECT max(occurred_at) FROM {schema}.{encounters}),"
            f" (SELECT max(submitted_at) FROM {schema}.{answers})) AS last_activity"
        )
    query = (
        "WITH activity AS (" + " UNION ALL ".join(branches) + "),"  # noqa: S608 - as above
        " sizes AS (SELECT n.nspname AS schema_name, sum(pg_total_relation_size(c.oid))::bigint AS size_bytes"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'm') AND n.nspname = ANY(%(schemas)s) GROUP BY n.nspname)"
        " SELECT a.tenant_id, a.users, a.encounters, a.answers, a.last_activity, t.schema_name,"
        " COALESCE(s.size_bytes, 0) FROM activity a"
        f" JOIN {Tenant._meta.db_table} t ON t.id = a.tenant_id"
        " LEFT JOIN sizes s ON s.schema_name = t.schema_name"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, {"since": since, "schemas": [tenant.schema_name for tenant in tenants]})
        rows = {row[0]: row for row in cursor.fetchall()}
    return [
        CompanyOverviewRow(
            tenant=tenant,
            users=rows[tenant.pk][1],
            encounters=rows[tenant.pk][2],
            answers=rows[tenant.pk][3],
            last_activity=rows[tenant.pk][4],
            size_bytes=rows[tenant.pk][6],
        )
        for tenant in tenants
    ]
