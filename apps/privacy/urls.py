from django.urls import path

from apps.privacy import views

app_name = "privacy"

# Under /customers/<customer_id>/ (cxplatform/urls_tenants.py): the customer's own pages of personal data.
urlpatterns = [
    path("personal-data/", views.PersonalDataExportCreateView.as_view(), name="export_create"),
    path(
        "personal-data/<int:export_id>/download/",
        views.PersonalDataExportDownloadView.as_view(),
        name="export_download",
    ),
    path("erase/", views.CustomerEraseView.as_view(), name="customer_erase"),
]
