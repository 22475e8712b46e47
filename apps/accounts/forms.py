from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, Team, User
from apps.accounts.selectors import team_list, user_list

PASSWORD_RESET_EMAIL = "password_reset"  # noqa: S105 - an outbox kind, not a password
ACCOUNT_INVITATION_EMAIL = "account_invitation"


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Email or password is wrong."),
    }

    def clean_username(self) -> str:
        # Emails are stored lower-case; people type them however they like.
        return self.cleaned_data["username"].strip().lower()


class CompanyPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches invited users who have not chosen a password yet.

    Django skips accounts without a usable password (meant for external
    authentication); here such an account is an invitee who lost the invitation.
    """

    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    # Which outgoing email this is: a reset, or (set by the invitation) an invitation.
    outbox_kind = PASSWORD_RESET_EMAIL

    def get_users(self, email: str) -> Iterator[User]:
        email = email.strip().lower()
        yield from User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the outbox, as every email: queued now, sent by a worker, retried, never lost."""
        from apps.outbox.services import outbound_email_queue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        outbound_email_queue(kind=self.outbox_kind, message=message)


class UserForm(forms.Form):
    """Input for creating or editing a company user; the service validates the rules."""

    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Company default")), ("fi", _("Finnish")), ("en", _("English"))],
        required=False,
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("No team"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_list()

    @classmethod
    def for_user(cls, user: User, **kwargs: Any) -> "UserForm":
        initial = {field: getattr(user, field) for field in ("email", "full_name", "role", "language", "is_active")}
        initial["team"] = user.team_id
        return cls(initial=initial, **kwargs)


class TeamForm(forms.Form):
    """A team's name and lead; the service checks the rules (an active user of the company)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    lead = forms.ModelChoiceField(
        label=_("Team lead"),
        queryset=None,
        required=False,
        empty_label=_("No team lead"),
        help_text=_(
            "A late follow-up case of a team member goes first to the team lead, and only later to the managers."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = user_list(include_inactive=False)

    @classmethod
    def for_team(cls, team: Team, **kwargs: Any) -> "TeamForm":
        return cls(initial={"name": team.name, "lead": team.lead_id}, **kwargs)


class UserCreateForm(UserForm):
    """A new user is always active; deactivating is an edit."""

    is_active = None


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the integration that uses it."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires in"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))],
        initial=settings.API_TOKEN_DEFAULT_DAYS,
    )
