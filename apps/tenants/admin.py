"""The platform operators' admin, served on the public domain only.

Company admins and managers use the default admin site on their own domain;
nothing registered here is reachable from a company's domain.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from django_tenants.utils import get_public_schema_name

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.audit.services import audit_changes, audit_log_record
from apps.audit_log.admin import AuditLogEntryReadOnlyAdmin
from apps.core.exceptions import DomainError
from apps.tenants.models import Domain, Tenant
from apps.tenants.selectors import company_overview_list, tenant_primary_domain
from apps.tenants.services import company_admin_invite, company_create, company_domain_for, company_validate_new


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Kokemus platform")
    site_title = _("Kokemus platform")
    index_title = _("Companies and schedules")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def get_urls(self) -> list[Any]:
        overview = self.admin_view(self.overview_view)
        overview.admin_site = self  # marked as the site's own views are: the admin sends to its own login
        return [path("overview/", overview, name="overview"), *super().get_urls()]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return super().index(request, {**(extra_context or {}), "overview_url": reverse("platform_admin:overview")})

    def overview_view(self, request: HttpRequest) -> TemplateResponse:
        """The companies at a glance: their users, last month's encounters and answers, last activity, size."""
        context = {
            **self.each_context(request),
            "title": _("Companies at a glance"),
            "rows": company_overview_list(days=OVERVIEW_DAYS),
            "days": OVERVIEW_DAYS,
        }
        return TemplateResponse(request, "admin/tenants/overview.html", context)


OVERVIEW_DAYS = 30

platform_admin_site = PlatformAdminSite(name="platform_admin")


class CompanyCreateForm(forms.ModelForm):
    slug = forms.SlugField(label=_("Identifier"), help_text=_("Used for the schema and the subdomain, e.g. acme."))
    domain = forms.CharField(label=_("Domain"), required=False)
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin renders help texts as HTML: the text is escaped here, and names the real base domain.
        self.fields["domain"].help_text = escape(
            _("Leave empty for the identifier followed by .%(base_domain)s, e.g. acme.%(base_domain)s.")
            % {"base_domain": settings.BASE_DOMAIN}
        )

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
    list_display = ["name", "schema", "primary_domain", "is_active", "created"]
    list_filter = ["is_active", "language"]
    search_fields = ["name", "schema_name", "domains__domain"]
    readonly_fields = ["schema", "created"]
    inlines = [DomainInline]

    @admin.display(description=_("Domain"))
    def primary_domain(self, obj: Tenant) -> str:
        return tenant_primary_domain(tenant=obj)

    # django-tenants' schema_name and our created_at have no translatable labels of their own.
    @admin.display(description=_("Schema name"), ordering="schema_name")
    def schema(self, obj: Tenant) -> str:
        return obj.schema_name

    @admin.display(description=_("Created at"), ordering="created_at")
    def created(self, obj: Tenant) -> Any:
        return obj.created_at

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        # The public schema holds the platform itself, not a company: not listed, not editable.
        return super().get_queryset(request).exclude(schema_name=get_public_schema_name())

    def has_change_permission(self, request: HttpRequest, obj: Tenant | None = None) -> bool:
        if obj is not None and obj.schema_name == get_public_schema_name():
            return False
        return super().has_change_permission(request, obj)

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
        return ["name", "schema", "is_active", "language", "time_zone", "created"]

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


class TaskNameFilter(admin.AllValuesFieldListFilter):
    """django_celery_beat's filter by task, under a translated title (its field's label is not)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("Task name")


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = ["name", "enabled", "schedule_label", "interval", "start_time", "last_run_at", "one_off"]
    list_filter = ["enabled", "one_off", ("task", TaskNameFilter), "start_time", "last_run_at"]

    # django_celery_beat lists the task's `scheduler` property, whose column title is an untranslated
    # "Scheduler"; the same value under a translated title.
    @admin.display(description=_("Schedule"))
    def schedule_label(self, obj: PeriodicTask) -> str:
        return str(obj.scheduler)


for model, model_admin in [
    (PeriodicTask, PeriodicTaskAdmin),
    (IntervalSchedule, admin.ModelAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, admin.ModelAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
]:
    # The schedules live in the public schema: only operators edit them.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    platform_admin_site.register(model, model_admin)

# The operators' own sign-ins, logged in the public schema.
platform_admin_site.register(AuditLogEntry, AuditLogEntryReadOnlyAdmin)
