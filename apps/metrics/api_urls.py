from django.urls import path

from apps.metrics import apis

urlpatterns = [
    path("metrics/scores/", apis.ScoresApi.as_view(), name="metrics_scores"),
    path("metrics/recompute/", apis.MetricsRecomputeApi.as_view(), name="metrics_recompute"),
]
