"""URLs served on the public domain (BASE_DOMAIN): the platform operators' admin and health."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from apps.accounts.views import language_set_view
from apps.core.views import favicon_view, health_live_view, health_ready_view
from apps.tenants.admin import platform_admin_site

# The admin sends to its own login; the rest is public (login_not_required).
urlpatterns = [
    path("", login_not_required(RedirectView.as_view(url="/admin/", permanent=False))),
    path("admin/", platform_admin_site.urls),
    # The operators' language switch, under the name the company pages use (accounts:language).
    path("language/", include(([path("", language_set_view, name="language")], "accounts"))),
    path("health/", health_ready_view, name="health"),
    path("health/live/", health_live_view, name="health-live"),
    path("health/ready/", health_ready_view, name="health-ready"),
    path("favicon.ico", favicon_view),
]

handler400 = "apps.core.error_pages.bad_request"
handler403 = "apps.core.error_pages.permission_denied"
handler404 = "apps.core.error_pages.page_not_found"
