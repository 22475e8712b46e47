from django.urls import path

from apps.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="list"),
    path("new/", views.InitiativeCreateView.as_view(), name="create"),
    path("<int:initiative_id>/", views.InitiativeDetailView.as_view(), name="detail"),
    path("<int:initiative_id>/edit/", views.InitiativeUpdateView.as_view(), name="update"),
    path("<int:initiative_id>/archive/", views.InitiativeArchiveView.as_view(), name="archive"),
]
