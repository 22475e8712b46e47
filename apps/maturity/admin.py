from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.capabilities import can_manage_company_settings
from apps.maturity.models import MaturitySettings
from apps.maturity.services import maturity_settings_update

FIELDS = ("window_days", "min_answers", "max_overdue_cases", "rollup_share_percent")


@admin.register(MaturitySettings)
class MaturitySettingsAdmin(admin.ModelAdmin):
    """The company's one row of thresholds: company admins change it; nobody adds a second or deletes it."""

    list_display = ["__str__", *FIELDS]
    fields = list(FIELDS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_company_settings(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_company_settings(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_company_settings(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_company_settings(request.user) and not MaturitySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: MaturitySettings, form: forms.ModelForm, change: bool) -> None:
        # Through the service, like the settings page; it keeps the one row.
        saved = maturity_settings_update(acting_user=request.user, **{name: form.cleaned_data[name] for name in FIELDS})
        obj.pk = saved.pk
