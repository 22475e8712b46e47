from django.urls import path

from apps.locations import views

app_name = "locations"

urlpatterns = [
    path("", views.LocationListView.as_view(), name="list"),
    path("import/", views.LocationImportView.as_view(), name="import"),
    path("regions/new/", views.RegionCreateView.as_view(), name="region_create"),
    path("regions/<int:region_id>/edit/", views.RegionUpdateView.as_view(), name="region_update"),
    path("regions/<int:region_id>/delete/", views.RegionDeleteView.as_view(), name="region_delete"),
    path("new/", views.LocationCreateView.as_view(), name="create"),
    path("<int:location_id>/edit/", views.LocationUpdateView.as_view(), name="update"),
    path("<int:location_id>/archive/", views.LocationArchiveView.as_view(), name="archive"),
    path("<int:location_id>/staff/", views.LocationStaffView.as_view(), name="staff"),
    path("scope/<int:user_id>/", views.LocationScopeView.as_view(), name="scope"),
    path("<int:location_id>/staff/<int:user_id>/remove/", views.LocationStaffRemoveView.as_view(), name="staff_remove"),
    path("<int:location_id>/teams/<int:team_id>/remove/", views.LocationTeamRemoveView.as_view(), name="team_remove"),
]
