from django.urls import path

from apps.tenants import apis

urlpatterns = [
    path("company/branding/", apis.CompanyBrandingApi.as_view(), name="company_branding"),
    path("company/branding/logo/", apis.CompanyLogoApi.as_view(), name="company_logo"),
]
