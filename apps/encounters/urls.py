from django.urls import path

from apps.encounters import views

app_name = "encounters"

urlpatterns = [
    path("", views.EncounterListView.as_view(), name="list"),
    path("log/", views.EncounterLogView.as_view(), name="log"),
    path("log/customers/", views.CustomerPickView.as_view(), name="customer_pick"),
    path("mine/", views.MyEncountersView.as_view(), name="mine"),
    path("<int:encounter_id>/", views.EncounterDetailView.as_view(), name="detail"),
]
