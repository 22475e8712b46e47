from django.urls import path

from apps.maturity import views

app_name = "maturity"

urlpatterns = [
    path("", views.MaturitySettingsView.as_view(), name="settings"),
]
