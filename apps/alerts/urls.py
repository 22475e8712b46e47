from django.urls import path

from apps.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.AlertListView.as_view(), name="list"),
    path("destinations/new/", views.DestinationCreateView.as_view(), name="destination_create"),
    path("destinations/<int:destination_id>/edit/", views.DestinationUpdateView.as_view(), name="destination_update"),
    path("destinations/<int:destination_id>/secret/", views.DestinationSecretView.as_view(), name="destination_secret"),
    path("destinations/<int:destination_id>/deliveries/", views.DeliveryLogView.as_view(), name="deliveries"),
    path(
        "destinations/<int:destination_id>/deliveries/<int:delivery_id>/replay/",
        views.DeliveryReplayView.as_view(),
        name="delivery_replay",
    ),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("rules/<int:rule_id>/edit/", views.RuleUpdateView.as_view(), name="rule_update"),
]
