from django.contrib.auth.decorators import login_not_required
from django.urls import path

from apps.dashboards import sharing_views

app_name = "shared"

# Public: a read-only dashboard link; the token is the key, and it expires.
urlpatterns = [
    path("<str:token>/", login_not_required(sharing_views.SharedDashboardView.as_view()), name="dashboard"),
]
