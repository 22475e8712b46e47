from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_company_settings
from apps.customers.consent import consent_wording_create
from apps.customers.models import ConsentWording, Customer, CustomerImport, Segment
from apps.customers.selectors import customer_consent_history


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "phone", "segment", "persona", "survey_consent", "unsubscribed"]
    list_filter = ["segment", "persona", "survey_consent", "unsubscribed", "language"]
    search_fields = ["full_name", "email", "phone_normalized", "external_id"]
    list_select_related = ["segment", "persona"]
    autocomplete_fields = ["segment"]
    fields = [
        "full_name",
        "email",
        "phone",
        "language",
        "segment",
        "persona",
        "external_id",
        "survey_consent",
        "consent_given_at",
        "consent_source",
        "unsubscribed",
        "unsubscribed_at",
        "sms_stopped",
        "sms_stopped_at",
        "consent_history",
    ]
    readonly_fields = [
        "consent_given_at",
        "consent_source",
        "unsubscribed",
        "unsubscribed_at",
        "sms_stopped",
        "sms_stopped_at",
        "consent_history",
    ]

    @admin.display(description=_("Consent history"))
    def consent_history(self, obj: Customer) -> str:
        """The ledger, read-only: it grows only through the consent services (also when this form is saved)."""
        if obj.pk is None:
            return "-"
        events = customer_consent_history(customer=obj)
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} · {} · {} · {}",
                (
                    (
                        date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT"),
                        event.get_kind_display(),
                        event.get_source_display(),
                        _("wording version %(version)s") % {"version": event.wording.version},
                    )
                    for event in events
                ),
            )
            or "-"
        )

    def has_change_permission(self, request, obj: Customer | None = None) -> bool:  # noqa: ANN001
        # An erased customer is shown read-only: nothing may give them personal data again.
        if obj is not None and obj.is_erased:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj: Customer, form, change: bool) -> None:  # noqa: ANN001
        # Through the services, so emails and phones are normalised and consent is recorded.
        from apps.customers.models import ConsentSource
        from apps.customers.services import customer_create, customer_update

        fields = ("full_name", "email", "phone", "language", "segment", "persona", "external_id")
        data = {field: form.cleaned_data[field] for field in fields}
        consent = form.cleaned_data["survey_consent"]
        if change:
            customer_update(
                customer=obj,
                survey_consent=consent,
                consent_source=ConsentSource.ADMIN,
                consent_actor=request.user,
                **data,
            )
        else:
            created = customer_create(
                **data, survey_consent=consent, consent_source=ConsentSource.ADMIN, created_by=request.user
            )
            obj.pk = created.pk


_WORDING_SHOWN = ["version", "text_fi", "text_sv", "text_en", "created_at", "created_by"]


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin):
    """Company admins write a new version of the consent text; a saved version is never edited."""

    list_display = ["version", "text_fi", "created_at", "created_by"]
    fields = ["text_fi", "text_sv", "text_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: ConsentWording | None = None) -> list[str]:
        return _WORDING_SHOWN if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: ConsentWording | None = None) -> list[str]:
        return (
            ["version", "text_fi", "text_sv", "text_en", "created_at", "created_by"] if obj is not None else self.fields
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_company_settings(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_company_settings(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_company_settings(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ConsentWording, form: forms.ModelForm, change: bool) -> None:
        # Through the service, which numbers the new version.
        saved = consent_wording_create(
            text_fi=form.cleaned_data["text_fi"],
            text_sv=form.cleaned_data.get("text_sv", ""),
            text_en=form.cleaned_data["text_en"],
            created_by=request.user,
        )
        obj.pk = saved.pk
        obj.version = saved.version


@admin.register(CustomerImport)
class CustomerImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "created_count", "updated_count", "skipped_count", "created_at"]
    list_filter = ["status"]
    exclude = ["content"]
    readonly_fields = [
        "file_name",
        "status",
        "file_error",
        "report",
        "created_by",
        "finished_by",
        "finished_at",
        "created_count",
        "updated_count",
        "skipped_count",
    ]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        # An import is a record of what was uploaded and written: the admin shows it, never edits it.
        return False
