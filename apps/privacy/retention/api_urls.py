from django.urls import path

from apps.privacy.retention import apis

urlpatterns = [
    path("privacy/retention/", apis.RetentionSettingsApi.as_view(), name="retention_settings"),
]
