from django.contrib import admin

from apps.locations.models import Location, LocationMembership, Region, TeamLocation


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    fields = ["name", "parent"]


class LocationMembershipInline(admin.TabularInline):
    model = LocationMembership
    extra = 0
    autocomplete_fields = ["user"]


class TeamLocationInline(admin.TabularInline):
    model = TeamLocation
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "city", "archived_at"]
    list_filter = ["region"]
    search_fields = ["name", "code", "city"]
    fields = ["name", "code", "region", "address", "city", "archived_at"]
    inlines = [LocationMembershipInline, TeamLocationInline]

    def has_delete_permission(self, request, obj: Location | None = None) -> bool:  # noqa: ANN001
        # Archive instead: encounters point at their location.
        return False
