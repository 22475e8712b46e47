"""The platform operators' admin, served on the public domain only.

Company admins and managers use the default admin site on their own domain;
nothing registered here is reachable from a company's domain.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.tenants.models import Domain, Tenant
from apps.tenants.selectors import tenant_primary_domain
from apps.tenants.services import company_admin_invite, company_create, company_domain_for, company_validate_new


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Kokemus platform")
    site_title = _("Kokemus platform")
    index_title = _("Companies and schedules")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


platform_admin_site = PlatformAdminSite(name="platform_admin")


class CompanyCreateForm(forms.ModelForm):
    slug = forms.SlugField(label=_("Identifier"), help_text=_("Used for the schema and the subdomain, e.g. acme."))
    domain = forms.CharField(label=_("Domain"), required=False, help_text=_("Defaults to <identifier>.<base domain>."))
    admin_email = forms.EmailField(label=_("First admin's email"))
    admin_full_name = forms.CharField(label=_("First admin's name"), required=False)
    admin_password = forms.CharField(
        label=_("First admin's password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to email the admin a link to choose one."),
    )

    class Meta:
        model = Tenant
        fields = ["name", "language", "time_zone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = (data.get("slug") or "").lower()
        try:
            company_validate_new(
                name=data.get("name", ""),
                slug=slug,
                domain=data.get("domain") or company_domain_for(slug=slug),
                admin_email=data.get("admin_email", ""),
                admin_password=data.get("admin_password") or None,
            )
        except DomainError as error:
            for field, field_messages in error.fields.items():
                for message in field_messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant, site=platform_admin_site)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "primary_domain", "is_active", "created_at"]
    list_filter = ["is_active", "language"]
    search_fields = ["name", "schema_name", "domains__domain"]
    readonly_fields = ["schema_name", "created_at"]
    inlines = [DomainInline]

    @admin.display(description=_("Domain"))
    def primary_domain(self, obj: Tenant) -> str:
        return tenant_primary_domain(tenant=obj)

    def get_form(self, request: HttpRequest, obj: Tenant | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CompanyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Tenant | None = None) -> Any:
        if obj is None:
            return [
                "name",
                "slug",
                "domain",
                "language",
                "time_zone",
                "admin_email",
                "admin_full_name",
                "admin_password",
            ]
        return ["name", "schema_name", "is_active", "language", "time_zone", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Tenant | None = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Tenant | None) -> Any:
        return [] if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: Tenant, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            self._change_log(request, obj, form)
            return
        data = form.cleaned_data
        created = company_create(
            name=data["name"],
            slug=data["slug"],
            domain=data.get("domain") or None,
            language=data["language"],
            time_zone=data["time_zone"],
            admin_email=data["admin_email"],
            admin_full_name=data.get("admin_full_name", ""),
            admin_password=data.get("admin_password") or None,
        )
        obj.pk = created.pk
        obj.schema_name = created.schema_name
        if not data.get("admin_password"):
            # After the admin's transaction commits: the invitation is written in the new company's schema.
            transaction.on_commit(lambda: company_admin_invite(tenant=created, email=data["admin_email"]))

    def _change_log(self, request: HttpRequest, obj: Tenant, form: forms.ModelForm) -> None:
        """An operator's change of a company, in the operators' log (the public schema): field names,
        and the values of the flags and codes; the name only by its field name."""
        changed = [name for name in form.changed_data if name in form.cleaned_data]
        if not changed:
            return
        extra = audit_changes(
            before={name: form.initial.get(name) for name in changed},
            after={name: form.cleaned_data[name] for name in changed},
            values_kept=("is_active", "language", "time_zone"),
        )
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=request.user, target=obj, extra=extra)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request: HttpRequest, obj: Tenant | None = None) -> bool:
        # Dropping a company's schema is done deliberately from the shell, never by a click.
        return False


for model, model_admin in [
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (IntervalSchedule, admin.ModelAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, admin.ModelAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
]:
    # The schedules live in the public schema: only operators edit them.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    platform_admin_site.register(model, model_admin)
