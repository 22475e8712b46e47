"""{% company_branding_get as branding %}: the company's branding for the survey pages (no query)."""

from django import template
from django.db import connection

from apps.tenants.models import Tenant
from apps.tenants.selectors import CompanyBranding, company_branding

register = template.Library()


@register.simple_tag
def company_branding_get() -> CompanyBranding:
    tenant = getattr(connection, "tenant", None)
    # The customers' error pages use this too, and must render whatever went wrong: without a
    # company (the operators' domain) they get the default look.
    if not isinstance(tenant, Tenant):
        tenant = Tenant(name="")
    return company_branding(tenant=tenant, site="")
