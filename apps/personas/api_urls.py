from django.urls import path

from apps.personas import apis

urlpatterns = [
    path("personas/", apis.PersonaListApi.as_view(), name="persona_list"),
    path("personas/<int:persona_id>/", apis.PersonaDetailApi.as_view(), name="persona_detail"),
]
