import datetime as dt
from zoneinfo import ZoneInfo

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
