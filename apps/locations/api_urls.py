from django.urls import path

from apps.locations import apis

urlpatterns = [
    path("regions/", apis.RegionListApi.as_view(), name="region_list"),
    path("regions/<int:region_id>/", apis.RegionDetailApi.as_view(), name="region_detail"),
    path("locations/", apis.LocationListApi.as_view(), name="location_list"),
    path("locations/<int:location_id>/", apis.LocationDetailApi.as_view(), name="location_detail"),
    path("locations/<int:location_id>/staff/", apis.LocationStaffApi.as_view(), name="location_staff"),
    path(
        "locations/<int:location_id>/staff/<int:user_id>/",
        apis.LocationStaffMemberApi.as_view(),
        name="location_staff_member",
    ),
    path("locations/<int:location_id>/teams/", apis.LocationTeamsApi.as_view(), name="location_teams"),
    path("locations/<int:location_id>/teams/<int:team_id>/", apis.LocationTeamApi.as_view(), name="location_team"),
    path("users/<int:user_id>/location-scope/", apis.UserLocationScopeApi.as_view(), name="user_location_scope"),
]
