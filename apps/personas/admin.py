from django.contrib import admin

from apps.personas.models import BuyerPersona


@admin.register(BuyerPersona)
class BuyerPersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "inbound_stage", "is_active", "updated_at"]
    list_filter = ["inbound_stage", "is_active"]
    search_fields = ["name", "description"]
    fields = [
        "name",
        "inbound_stage",
        "description",
        "goals",
        "needs",
        "pains",
        "value_proposition",
        "icon",
        "colour",
        "is_active",
    ]

    def has_delete_permission(self, request, obj: BuyerPersona | None = None) -> bool:  # noqa: ANN001
        # Archive instead (untick "active"): customer links and scores by persona depend on it.
        return False
