from django.urls import path

from apps.customers import apis

urlpatterns = [
    path("customers/", apis.CustomerListApi.as_view(), name="customer_list"),
    path("customers/<int:customer_id>/", apis.CustomerDetailApi.as_view(), name="customer_detail"),
    path("customers/<int:customer_id>/consent/", apis.CustomerConsentRecordApi.as_view(), name="customer_consent"),
    path("segments/", apis.SegmentListApi.as_view(), name="segment_list"),
]
