from django.urls import path

from apps.initiatives import apis

urlpatterns = [
    path("initiatives/", apis.InitiativeListApi.as_view(), name="initiative_list"),
    path("initiatives/<int:initiative_id>/", apis.InitiativeDetailApi.as_view(), name="initiative_detail"),
    path("initiatives/<int:initiative_id>/archive/", apis.InitiativeArchiveApi.as_view(), name="initiative_archive"),
]
