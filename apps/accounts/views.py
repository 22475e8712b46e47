from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from apps.accounts.capabilities import can_manage_users, can_use_app
from apps.accounts.forms import (
    ApiTokenForm,
    CompanyPasswordResetForm,
    EmailAuthenticationForm,
    TeamForm,
    UserCreateForm,
    UserForm,
)
from apps.accounts.invitations import user_invitation_send
from apps.accounts.models import Team, User
from apps.accounts.selectors import api_token_list, team_get, team_list, user_list
from apps.accounts.services import (
    api_token_issue,
    api_token_revoke,
    team_update,
    user_create,
    user_set_language,
    user_update,
)
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.core.home_panels import home_panels

LANGUAGE_COOKIE = "django_language"


class HomeView(CapabilityRequiredMixin, View):
    """The company's start page: each role sees the areas it may use."""

    capability = staticmethod(can_use_app)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/home.html", {"panels": home_panels(request)})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(LANGUAGE_COOKIE, language, samesite="Lax")
        return response


class PasswordChangeView(CapabilityRequiredMixin, auth_views.PasswordChangeView):
    """Any signed-in user changes their own password; the session stays signed in."""

    capability = staticmethod(can_use_app)

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = CompanyPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_not_required
@require_POST
def language_set_view(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; a signed-in user's choice is remembered on their account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        user_set_language(user=request.user, language=language)
    return set_language(request)


class UserListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_users)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/user_list.html", {"users": user_list()})


class UserCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_users)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/user_form.html", {"form": UserCreateForm(), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UserCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = user_create(
                    email=data["email"],
                    full_name=data["full_name"],
                    role=data["role"],
                    language=data["language"],
                    team=data["team"],
                    acting_user=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                user_invitation_send(request=request, user=user)
                messages.success(request, _("%(user)s was added and got an email to set a password.") % {"user": user})
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", {"form": form, "editing": None}, status=400)


class UserUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_users)

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = get_object_or_404(User, pk=user_id)
        return render(request, "accounts/user_form.html", {"form": UserForm.for_user(user), "editing": user})

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        user = get_object_or_404(User, pk=user_id)
        form = UserForm(request.POST)
        if form.is_valid():
            try:
                user_update(user=user, acting_user=request.user, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", {"form": form, "editing": user}, status=400)


class TeamListView(CapabilityRequiredMixin, View):
    """The company's teams with their leads (a team is added in the admin)."""

    capability = staticmethod(can_manage_users)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/team_list.html", {"teams": team_list()})


class TeamUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_users)

    def _team(self, team_id: int) -> Team:
        team = team_get(team_id=team_id)
        if team is None:
            raise Http404
        return team

    def get(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = self._team(team_id)
        return render(request, "accounts/team_form.html", {"form": TeamForm.for_team(team), "team": team})

    def post(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = self._team(team_id)
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                team_update(team=team, acting_user=request.user, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("accounts:team_list")
        return render(request, "accounts/team_form.html", {"form": form, "team": team}, status=400)


class ApiTokenListView(CapabilityRequiredMixin, View):
    """The user's own API tokens: create one (its key shown on this response only) or revoke one."""

    capability = staticmethod(can_use_app)
    template_name = "accounts/api_tokens.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, form=ApiTokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self._render(request, form=form, status=400)
        try:
            token, key = api_token_issue(
                user=request.user, name=form.cleaned_data["name"], expires_in_days=form.cleaned_data["expires_in_days"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
            return self._render(request, form=form, status=400)
        # Rendered, not redirected: the key must not wait in a session or a cookie for the next page.
        response = self._render(request, form=ApiTokenForm(), new_token=token, new_key=key)
        add_never_cache_headers(response)
        return response

    def _render(self, request: HttpRequest, *, form: ApiTokenForm, status: int = 200, **extra: object) -> HttpResponse:
        context = {"form": form, "tokens": api_token_list(user=request.user), "now": timezone.now(), **extra}
        return render(request, self.template_name, context, status=status)


class ApiTokenRevokeView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_use_app)

    def post(self, request: HttpRequest, token_id: int) -> HttpResponse:
        if not api_token_revoke(user=request.user, token_id=token_id):
            raise Http404
        messages.success(request, _("The token was revoked. Programs using it can no longer sign in with it."))
        return redirect("accounts:api_tokens")
