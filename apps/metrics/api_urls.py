from django.urls import path

from apps.metrics import apis

urlpatterns = [
    path("metrics/scores/", apis.ScoresApi.as_view(), name="metrics_scores"),
    path("key-drivers/", apis.KeyDriversApi.as_view(), name="key_drivers"),
    path("metrics/recompute/", apis.MetricsRecomputeApi.as_view(), name="metrics_recompute"),
]
