from django.urls import path

from apps.encounters import apis

urlpatterns = [
    path("encounters/", apis.EncounterListApi.as_view(), name="encounter_list"),
    path("encounters/<int:encounter_id>/", apis.EncounterDetailApi.as_view(), name="encounter_detail"),
]
