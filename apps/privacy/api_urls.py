from django.urls import path

from apps.privacy import apis

urlpatterns = [
    path("customers/<int:customer_id>/personal-data/", apis.PersonalDataApi.as_view(), name="customer_personal_data"),
    path(
        "customers/<int:customer_id>/personal-data/zip/",
        apis.PersonalDataZipApi.as_view(),
        name="customer_personal_data_zip",
    ),
    path("customers/<int:customer_id>/erase/", apis.CustomerEraseApi.as_view(), name="customer_erase"),
]
