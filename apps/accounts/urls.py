from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.urls import path

from apps.accounts import views

app_name = "accounts"

# Public (login_not_required): signing in and out, the password-reset flow (an invited
# user sets a password through it too) and the language switch of the login page.
# Django marks its login and password-reset views itself; the language switch is
# marked in its view.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", login_not_required(LogoutView.as_view()), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("tokens/", views.ApiTokenListView.as_view(), name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("language/", views.language_set_view, name="language"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:user_id>/", views.UserUpdateView.as_view(), name="user_update"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/<int:team_id>/", views.TeamUpdateView.as_view(), name="team_update"),
]
