from django.urls import path

from apps.alerts import apis

urlpatterns = [
    path("alert-destinations/", apis.DestinationListApi.as_view(), name="alert_destination_list"),
    path(
        "alert-destinations/<int:destination_id>/",
        apis.DestinationDetailApi.as_view(),
        name="alert_destination_detail",
    ),
    path(
        "alert-destinations/<int:destination_id>/secret/",
        apis.DestinationSecretApi.as_view(),
        name="alert_destination_secret",
    ),
    path(
        "alert-destinations/<int:destination_id>/deliveries/",
        apis.DeliveryListApi.as_view(),
        name="alert_delivery_list",
    ),
    path(
        "alert-destinations/<int:destination_id>/deliveries/<int:delivery_id>/replay/",
        apis.DeliveryReplayApi.as_view(),
        name="alert_delivery_replay",
    ),
    path("alert-rules/", apis.RuleListApi.as_view(), name="alert_rule_list"),
    path("alert-rules/<int:rule_id>/", apis.RuleDetailApi.as_view(), name="alert_rule_detail"),
]
