"""The company of a request, chosen from its host with one lookup and one `SET search_path`.

django-tenants' own middleware points the connection at the public schema first, which
costs a `SET search_path = public` before the domain lookup and another for the company
right after. Here the lookup names its tables with their schema (`public.`), so it reads
the same rows whatever search_path the connection has from its previous request, and
needs no SET of its own; the company's SET then comes with the request's first query.

With TENANT_LIMIT_SET_CALLS (settings) the backend issues the SET once after each
set_tenant() and again after a rollback or a reconnect, instead of before every query.
"""

from typing import Any

from django.db import connection
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name, get_tenant_model


def _tenant_by_hostname_sql(domain_model: Any) -> str:
    tenant_model = get_tenant_model()
    public = connection.ops.quote_name(get_public_schema_name())
    tenants = f"{public}.{connection.ops.quote_name(tenant_model._meta.db_table)}"
    domains = f"{public}.{connection.ops.quote_name(domain_model._meta.db_table)}"
    return (
        f"SELECT t.* FROM {domains} d JOIN {tenants} t ON t.id = d.tenant_id "  # noqa: S608 - names, not input
        "WHERE d.domain = %s"
    )


class TenantMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model: Any, hostname: str) -> Any:
        tenant_model = get_tenant_model()
        # The backend's own guard against re-entering its SET: on for this one schema-qualified read.
        connection._setting_search_path = True
        try:
            tenants = list(tenant_model.objects.raw(_tenant_by_hostname_sql(domain_model), [hostname]))
        finally:
            connection._setting_search_path = False
        if not tenants:
            raise domain_model.DoesNotExist
        return tenants[0]
