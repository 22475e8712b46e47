from django.urls import path

from apps.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
]
