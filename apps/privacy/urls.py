from django.urls import path

from apps.privacy import views

app_name = "privacy"

# Under /customers/<customer_id>/personal-data/ (cxplatform/urls_tenants.py).
urlpatterns = [
    path("", views.PersonalDataExportCreateView.as_view(), name="export_create"),
    path("<int:export_id>/download/", views.PersonalDataExportDownloadView.as_view(), name="export_download"),
]
