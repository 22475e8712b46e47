"""URLs served on a company's domain (<company>.<BASE_DOMAIN>)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from apps.accounts.api_docs import ApiDocsApi, ApiRedocApi, ApiSchemaApi
from apps.accounts.views import HomeView
from apps.core.apis import ApiNotFoundApi
from apps.core.views import favicon_view, health_live_view, health_ready_view
from apps.surveys.public_views import SurveyShortLinkView
from apps.tenants.views import company_colours_view, company_logo_view

admin.site.site_header = _("Kokemus administration")
admin.site.site_title = _("Kokemus")

# ReDoc writes its styles into <style> elements at run time, builds its search worker
# from a blob: URL and shows its maker's logo from their CDN; only this page allows them.
redoc_view = csp_replace(
    {
        "style-src": [SELF, UNSAFE_INLINE],
        "worker-src": [SELF, "blob:"],
        "img-src": [SELF, "data:", "https://cdn.redoc.ly"],
    }
)(ApiRedocApi.as_view(url_name="api:schema"))

api_v1 = [
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.personas.api_urls")),
    path("", include("apps.journeys.api_urls")),
    path("", include("apps.customers.api_urls")),
    path("", include("apps.locations.api_urls")),
    path("", include("apps.privacy.api_urls")),
    path("", include("apps.surveys.api_urls")),
    path("", include("apps.encounters.api_urls")),
    path("", include("apps.cases.api_urls")),
    path("", include("apps.metrics.api_urls")),
    path("", include("apps.maturity.api_urls")),
    path("", include("apps.dashboards.api_urls")),
    path("", include("apps.pos.api_urls")),
    path("", include("apps.initiatives.api_urls")),
    path("", include("apps.themes.api_urls")),
    path("", include("apps.audit_log.api_urls")),
    path("", include("apps.alerts.api_urls")),
    path("", include("apps.privacy.retention.api_urls")),
    path("", include("apps.onboarding.api_urls")),
    path("", include("apps.tenants.api_urls")),
    path("schema/", ApiSchemaApi.as_view(), name="schema"),
    path("docs/", ApiDocsApi.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", redoc_view, name="redoc"),
]

urlpatterns = [
    path("", include(([path("", HomeView.as_view(), name="home")], "core"))),
    path("accounts/", include("apps.accounts.urls")),
    path("company/retention/", include("apps.privacy.retention.urls")),
    path("company/starter/", include("apps.onboarding.urls")),
    path("company/locations/", include("apps.locations.urls")),
    path("company/", include("apps.tenants.urls")),
    path("company/audit-log/", include("apps.audit_log.urls")),
    path("company/alerts/", include("apps.alerts.urls")),
    path("personas/", include("apps.personas.urls")),
    path("paths/", include("apps.journeys.urls")),
    path("customers/", include("apps.customers.urls")),
    path("customers/<int:customer_id>/", include("apps.privacy.urls")),
    path("encounters/", include("apps.encounters.urls")),
    path("cases/", include("apps.cases.urls")),
    path("surveys/", include("apps.surveys.urls")),
    path("point-of-service/", include("apps.pos.urls")),
    # The customers' pages: apps.core.error_pages.CUSTOMER_PATH_PREFIX gives their errors the survey's look.
    # The point of service's open links and kiosks first: "s/kiosk/" would otherwise read as a survey token.
    path("s/", include("apps.pos.public_urls")),
    path("s/", include("apps.surveys.public_urls")),
    path("sms/hooks/", include("apps.customers.sms_urls")),
    # A survey link in a text message: public, the token is the key (apps.surveys.public_views).
    path("r/<str:short>/", login_not_required(SurveyShortLinkView.as_view()), name="survey_short_link"),
    path("dashboard/maturity-settings/", include("apps.maturity.urls")),
    path("initiatives/", include("apps.initiatives.urls")),
    path("dashboard/digest/", include("apps.dashboards.digest_urls")),
    path("shared/", include("apps.dashboards.shared_urls")),
    path("digest/", include("apps.dashboards.digest_public_urls")),
    path("dashboard/themes/", include("apps.themes.urls")),
    path("dashboard/", include("apps.dashboards.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    # Ends in a slash so that CommonMiddleware still adds a missing one first; [\s\S] as a path
    # may hold a line break.
    re_path(r"^api/[\s\S]*/$", ApiNotFoundApi.as_view()),
    # Public: health (marked in its view) for the load balancer; the translation catalogue for scripts;
    # the icon browsers ask for on pages that name none.
    path("health/", health_ready_view, name="health"),
    path("health/live/", health_live_view, name="health-live"),
    path("health/ready/", health_ready_view, name="health-ready"),
    path("favicon.ico", favicon_view),
    # Public: the company's logo and colours, shown on its survey pages and in the emails customers open.
    path("brand/logo/<str:name>", company_logo_view, name="company_logo"),
    path("brand/colours.css", company_colours_view, name="company_colours"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "apps.core.error_pages.bad_request"
handler403 = "apps.core.error_pages.permission_denied"
handler404 = "apps.core.error_pages.page_not_found"
