from django.contrib import admin

from apps.customers.models import Customer, CustomerImport, Segment


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
    ]
    readonly_fields = ["consent_given_at", "consent_source", "unsubscribed", "unsubscribed_at"]

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
            customer_update(customer=obj, survey_consent=consent, consent_source=ConsentSource.STAFF, **data)
        else:
            created = customer_create(**data, survey_consent=consent, created_by=request.user)
            obj.pk = created.pk


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
