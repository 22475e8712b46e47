from django.urls import path

from apps.maturity import apis

urlpatterns = [
    path("maturity/touchpoints/", apis.TouchpointMaturityApi.as_view(), name="maturity_touchpoints"),
    path("maturity/summary/", apis.MaturitySummaryApi.as_view(), name="maturity_summary"),
    path("maturity/trend/", apis.MaturityTrendApi.as_view(), name="maturity_trend"),
]
