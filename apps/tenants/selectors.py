import datetime as dt
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from pathlib import PurePosixPath

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from apps.core.tenancy import company_time_zone
from apps.tenants.colour_contrast import TEXT_CONTRAST_MIN, WHITE, colour_normalise, contrast_ratio, text_colour_on
from apps.tenants.models import Tenant


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


# Today's look, when a company has chosen no colour of its own.
DEFAULT_BRAND_COLOUR = "#0b6e69"
# The pages' body text colour, used for brand-coloured text when the brand colour is too light on white.
INK_COLOUR = "#16202b"
# The largest size pages and emails show a logo at, in CSS pixels (the file holds twice that).
LOGO_DISPLAY_BOX = (200, 60)


@dataclass(frozen=True)
class CompanyBranding:
    """How the company's survey pages and emails look and who they come from (docs/branding.md)."""

    company_name: str
    colour: str  # buttons, selected answers
    button_text: str  # white or black, whichever reads better on `colour`
    colour_text: str  # brand-coloured text on white: the colour itself, or ink when it is too light
    logo_path: str  # on the company's domain; "" without a logo
    logo_url: str  # absolute, for emails; "" without a logo
    logo_width: int | None
    logo_height: int | None
    sender_name: str
    reply_to: str

    @property
    def colours_version(self) -> str:
        """Changes whenever the colours do: the survey pages' stylesheet address carries it."""
        return "".join(colour.lstrip("#") for colour in (self.colour, self.button_text, self.colour_text))

    def from_email(self, *, default_from: str) -> str:
        """The From header: the sender name with the platform's own (verified) address."""
        _name, address = parseaddr(default_from)
        return formataddr((self.sender_name, address))


def logo_name_of(*, tenant: Tenant) -> str:
    """The public file name of the company's current logo ("" without one)."""
    return PurePosixPath(tenant.logo).name if tenant.logo else ""


def company_branding(*, tenant: Tenant, site: str | None = None) -> CompanyBranding:
    """The company's branding, its defaults filled in. `site` (scheme://host) saves the domain's lookup
    when the caller has it already."""
    try:
        # Checked when saved; checked again here because it is written into CSS and inline styles.
        colour = colour_normalise(tenant.brand_colour) if tenant.brand_colour else DEFAULT_BRAND_COLOUR
    except ValueError:
        colour = DEFAULT_BRAND_COLOUR
    logo_path = logo_url = ""
    width = height = None
    if tenant.logo:
        logo_path = reverse("company_logo", kwargs={"name": logo_name_of(tenant=tenant)})
        logo_url = (site if site is not None else company_url(tenant=tenant, path="")) + logo_path
        if tenant.logo_width and tenant.logo_height:
            scale = min(LOGO_DISPLAY_BOX[0] / tenant.logo_width, LOGO_DISPLAY_BOX[1] / tenant.logo_height, 1)
            width, height = max(1, round(tenant.logo_width * scale)), max(1, round(tenant.logo_height * scale))
    return CompanyBranding(
        company_name=tenant.name,
        colour=colour,
        button_text=text_colour_on(colour),
        colour_text=colour if contrast_ratio(colour, WHITE) >= TEXT_CONTRAST_MIN else INK_COLOUR,
        logo_path=logo_path,
        logo_url=logo_url,
        logo_width=width,
        logo_height=height,
        sender_name=tenant.sender_name or tenant.name,
        reply_to=tenant.reply_to,
    )


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

    The sizes of all schemas come from the catalogue in one query. The counts come a batch of
    schemas per query: every table a query reads is locked with its indexes until it ends, and the
    server's lock table is shared by all its sessions.
    """
    tenants = list(Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("name"))
    if not tenants:
        return []
    since = (now or timezone.now()) - dt.timedelta(days=days)
    sizes = _schema_sizes([tenant.schema_name for tenant in tenants])
    activity: dict[int, tuple[int, int, int, dt.datetime | None]] = {}
    for start in range(0, len(tenants), OVERVIEW_SCHEMAS_PER_QUERY):
        activity.update(_activity(tenants[start : start + OVERVIEW_SCHEMAS_PER_QUERY], since=since))
    return [
        CompanyOverviewRow(
            tenant=tenant,
            users=activity[tenant.pk][0],
            encounters=activity[tenant.pk][1],
            answers=activity[tenant.pk][2],
            last_activity=activity[tenant.pk][3],
            size_bytes=sizes.get(tenant.schema_name, 0),
        )
        for tenant in tenants
    ]


# About 28 relations (the three tables and their indexes) are locked per schema while a batch runs:
# some 560 of the lock table's few thousand (max_locks_per_transaction x max_connections) per batch.
OVERVIEW_SCHEMAS_PER_QUERY = 20


def _schema_sizes(schema_names: list[str]) -> dict[str, int]:
    """Each schema's tables, indexes and their TOAST tables, in bytes, as the catalogue knows them (the
    pages counted by the last VACUUM, ANALYZE or CREATE INDEX). pg_total_relation_size would be exact
    but opens, and locks, every relation of every schema: hundreds of thousands for 500 companies."""
    query = """
        SELECT n.nspname, (sum(c.relpages + COALESCE(t.relpages, 0)) * current_setting('block_size')::bigint)::bigint
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'i', 'm')
        GROUP BY n.nspname
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [schema_names])
        return dict(cursor.fetchall())


def _activity(tenants: list[Tenant], *, since: dt.datetime) -> dict[int, tuple[int, int, int, dt.datetime | None]]:
    users, encounters, answers = (
        django_apps.get_model(*_OVERVIEW_TABLES[key])._meta.db_table for key in ("users", "encounters", "answers")
    )
    branches = []
    for tenant in tenants:
        # Schema names are checked identifiers (django-tenants); quoted all the same, quotes doubled.
        schema = '"' + tenant.schema_name.replace('"', '""') + '"'
        branches.append(
            f"SELECT {int(tenant.pk)},"  # noqa: S608 - names from the catalogue, values are parameters
            f" (SELECT count(*) FROM {schema}.{users} WHERE is_active),"
            f" (SELECT count(*) FROM {schema}.{encounters} WHERE occurred_at >= %(since)s),"
            f" (SELECT count(*) FROM {schema}.{answers} WHERE submitted_at >= %(since)s),"
            f" GREATEST((SELECT max(last_login) FROM {schema}.{users}),"
            f" (SELECT max(occurred_at) FROM {schema}.{encounters}),"
            f" (SELECT max(submitted_at) FROM {schema}.{answers}))"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), {"since": since})
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in cursor.fetchall()}
