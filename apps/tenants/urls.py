from django.urls import path

from apps.tenants import views

app_name = "tenants"

urlpatterns = [
    path("settings/", views.CompanySettingsView.as_view(), name="settings"),
    path("branding/", views.CompanyBrandingView.as_view(), name="branding"),
]
