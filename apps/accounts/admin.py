from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.invitations import user_invitation_send
from apps.accounts.models import ApiToken, Team, User
from apps.accounts.selectors import team_list, user_list
from apps.accounts.services import (
    api_token_revoke_many,
    team_update,
    user_changes_validate,
    user_create,
    user_update,
)
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error

# Roles replace groups: a role means the same in the admin, the pages and the API.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

EDITABLE = ("email", "full_name", "role", "language", "team", "is_active")


class UserAdminForm(forms.ModelForm):
    """Runs the user services' rules in clean(), so a broken rule is a form error, never a 500."""

    class Meta:
        model = User
        fields = list(EDITABLE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None or self.errors:
            return data
        changes = {field: data[field] for field in EDITABLE if field in data}
        try:
            user_changes_validate(user=User.objects.get(pk=self.instance.pk), changes=changes)
        except DomainError as error:
            form_add_domain_error(self, error)
        return data


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["email", "full_name", "role", "team", "is_active", "last_login"]
    list_filter = ["role", "team", "is_active"]
    list_select_related = ["team"]
    search_fields = ["email", "full_name"]
    fields = [*EDITABLE, "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        # Writes go through the services so their rules (e.g. the last admin) hold here too.
        data = {field: form.cleaned_data[field] for field in EDITABLE}
        if change:
            user_update(user=obj, acting_user=request.user, **data)
        else:
            created = user_create(
                **{key: value for key, value in data.items() if key != "is_active"}, acting_user=request.user
            )
            obj.pk = created.pk
            # The same invitation as from the users page, once the new user is committed.
            transaction.on_commit(lambda: user_invitation_send(request=request, user=created))
            self.message_user(request, _("%(user)s gets an email to set a password.") % {"user": created})


class TeamAdminForm(forms.ModelForm):
    """A lead is an active user of the company: offered only those, and the service checks it again."""

    class Meta:
        model = Team
        fields = ["name", "lead"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = user_list(include_inactive=False)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamAdminForm
    list_display = ["name", "lead", "member_count"]
    search_fields = ["name"]
    fields = ["name", "lead"]

    def save_model(self, request: HttpRequest, obj: Team, form: forms.ModelForm, change: bool) -> None:
        lead = form.cleaned_data.get("lead")
        if not change:
            obj.lead = None
            super().save_model(request, obj, form, change)
        # The lead through the service, so its rule and the audit entry hold here too.
        team_update(team=obj, lead=lead, acting_user=request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return team_list()

    @admin.display(description=_("active members"), ordering="member_count")
    def member_count(self, team: Team) -> int:
        return team.member_count


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Company admins see everyone's tokens and can revoke them (someone leaves, a laptop is lost).

    Neither the key (not stored) nor its digest is shown; tokens are issued by their
    owners only, and revoked rather than deleted so the record stays.
    """

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    fields = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = api_token_revoke_many(token_ids=list(queryset.values_list("pk", flat=True)), acting_user=request.user)
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count}
        self.message_user(request, message)
