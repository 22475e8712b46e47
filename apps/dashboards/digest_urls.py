from django.urls import path

from apps.dashboards import digest_views

app_name = "digest"

urlpatterns = [
    path("", digest_views.DigestSettingsView.as_view(), name="settings"),
]
