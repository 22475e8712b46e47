from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import schema_exists

from apps.tenants.schema_template import company_schema_clone


class Tenant(TenantMixin):
    """A company using the platform; its data lives in its own PostgreSQL schema."""

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="fi")
    created_at = models.DateTimeField(auto_now_add=True)
    # Branding on the customers' survey pages and on emails (docs/branding.md). Empty: today's look,
    # the company's name as the sender, no Reply-To.
    brand_colour = models.CharField(_("brand colour"), max_length=7, blank=True)
    # A storage name (branding/<schema>/<random>.png), served by apps.tenants.views.CompanyLogoView.
    logo = models.CharField(_("logo"), max_length=200, blank=True)
    logo_width = models.PositiveSmallIntegerField(null=True, blank=True)
    logo_height = models.PositiveSmallIntegerField(null=True, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=80, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)

    auto_create_schema = True

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1) -> bool:
        """Copy the template schema when it is at the latest migration; otherwise migrate, as django-tenants does."""
        if check_if_exists and schema_exists(self.schema_name):
            return False
        if sync_schema and company_schema_clone(schema_name=self.schema_name):
            connection.set_schema_to_public()
            return True
        super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)
        return True


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain
