from django.contrib.auth.decorators import login_not_required
from django.urls import path

from apps.dashboards import digest_views

app_name = "digest_public"

# Public: the unsubscribe link in the digest sent to an address without an account; the signed token is the key.
urlpatterns = [
    path(
        "unsubscribe/<str:token>/",
        login_not_required(digest_views.DigestUnsubscribeView.as_view()),
        name="unsubscribe",
    ),
]
