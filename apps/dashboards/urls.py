from django.urls import path

from apps.dashboards import views
from apps.dashboards.key_drivers_views import KeyDriversView

app_name = "dashboards"

urlpatterns = [
    path("", views.CompanyDashboardView.as_view(), name="company"),
    path("paths/<int:path_id>/", views.PathDashboardView.as_view(), name="path"),
    path("touchpoints/<int:touchpoint_id>/", views.TouchpointDashboardView.as_view(), name="touchpoint"),
    path("perception/", views.PerceptionGapView.as_view(), name="perception"),
    path("league/", views.LeagueTableView.as_view(), name="league"),
    path("key-drivers/", KeyDriversView.as_view(), name="key_drivers"),
    path("comments/", views.CommentListView.as_view(), name="comments"),
    path("comments/export/", views.CommentExportView.as_view(), name="comments_export"),
    path("locations/<int:location_id>/", views.LocationDashboardView.as_view(), name="location"),
]
