"""The log in the admin, read-only: company admins on their domain, operators (their own sign-ins,
in the public schema) on the platform's admin, which apps.tenants composes and registers it on."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.capabilities import can_view_audit_log
from apps.audit.models import AuditLogEntry


class AuditLogEntryReadOnlyAdmin(admin.ModelAdmin):
    list_display = ["event_time", "event_type", "source", "acting_user", "modified_user", "target_type", "target_id"]
    list_filter = ["event_type", "source"]
    list_select_related = ["acting_user", "modified_user"]
    search_fields = ["target_type", "target_id"]
    date_hierarchy = "event_time"
    fields = [
        "event_time",
        "event_type",
        "source",
        "acting_user",
        "modified_user",
        "target_type",
        "target_id",
        "extra_data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(AuditLogEntryReadOnlyAdmin):
    """A company's log: its admins only, as on the audit log page (managers use the admin too)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_audit_log(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_audit_log(request.user)
