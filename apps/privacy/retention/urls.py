from django.urls import path

from apps.privacy.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.RetentionSettingsView.as_view(), name="settings"),
]
