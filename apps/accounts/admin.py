from django.contrib import admin
from django.contrib.auth.models import Group

from apps.accounts.models import User

# Roles replace groups: a role means the same in the admin, the pages and the API.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "language", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj: User, form, change: bool) -> None:  # noqa: ANN001
        # Edits go through the service so its rules (e.g. the last admin) hold here too.
        from apps.accounts.services import user_create, user_update

        data = {field: form.cleaned_data[field] for field in ("email", "full_name", "role", "language", "is_active")}
        if change:
            user_update(user=obj, **data)
        else:
            created = user_create(**{k: v for k, v in data.items() if k != "is_active"})
            obj.pk = created.pk
