from django.urls import path

from apps.personas import views

app_name = "personas"

urlpatterns = [
    path("", views.PersonaListView.as_view(), name="list"),
    path("new/", views.PersonaCreateView.as_view(), name="create"),
    path("<int:persona_id>/", views.PersonaDetailView.as_view(), name="detail"),
    path("<int:persona_id>/edit/", views.PersonaUpdateView.as_view(), name="update"),
    path("<int:persona_id>/archive/", views.PersonaArchiveView.as_view(), name="archive"),
]
