from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.journeys.models import OwnershipChange, ServicePath, Stage, Touchpoint

# Maps are edited in the path editor, where the services keep positions dense and
# write the ownership history; the admin shows them and their history read-only.


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(ServicePath)
class ServicePathAdmin(ReadOnlyAdmin):
    list_display = ["name", "archived_at", "created_at"]
    search_fields = ["name"]


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = ["name", "path", "position"]
    list_filter = ["path"]


@admin.register(Touchpoint)
class TouchpointAdmin(ReadOnlyAdmin):
    list_display = ["name", "stage", "channel", "planned_emotion", "owner", "backup_owner"]
    list_filter = ["channel", "stage__path"]
    search_fields = ["name"]


@admin.register(OwnershipChange)
class OwnershipChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "touchpoint_name", "role", "from_owner", "to_owner", "changed_by"]
    list_filter = ["role"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
