"""URLs served on a company's domain (<company>.<BASE_DOMAIN>)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from apps.core.apis import ApiNotFoundApi, SchemaApi
from apps.core.views import health_view

admin.site.site_header = _("Kokemus administration")
admin.site.site_title = _("Kokemus")

api_v1 = [
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.personas.api_urls")),
    path("", include("apps.journeys.api_urls")),
    path("", include("apps.customers.api_urls")),
    path("", include("apps.surveys.api_urls")),
    path("", include("apps.encounters.api_urls")),
    path("", include("apps.metrics.api_urls")),
    path("", include("apps.maturity.api_urls")),
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("company/", include("apps.tenants.urls")),
    path("personas/", include("apps.personas.urls")),
    path("paths/", include("apps.journeys.urls")),
    path("customers/", include("apps.customers.urls")),
    path("encounters/", include("apps.encounters.urls")),
    path("cases/", include("apps.cases.urls")),
    path("surveys/", include("apps.surveys.urls")),
    path("s/", include("apps.surveys.public_urls")),
    path("dashboard/maturity-settings/", include("apps.maturity.urls")),
    path("dashboard/digest/", include("apps.dashboards.digest_urls")),
    path("dashboard/", include("apps.dashboards.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    # Ends in a slash so that CommonMiddleware still adds a missing one first.
    re_path(r"^api/.*/$", ApiNotFoundApi.as_view()),
    path("health/", health_view, name="health"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
