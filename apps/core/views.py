from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.core.health import health_ready_run


@login_not_required
@never_cache
@require_safe
def health_live_view(request: HttpRequest) -> HttpResponse:
    """Public liveness probe: the process answers. Touches no database, Redis or worker, so an
    outage of those never gets web processes restarted (that is readiness's job to report)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def health_ready_view(request: HttpRequest) -> HttpResponse:
    """Public readiness probe (and /health/): 200 when the database, Redis and a Celery worker's
    heartbeat answer, else 503.

    The body names each check and whether it passed, nothing more: the reasons
    go to the log, not to whoever asks.
    """
    results = health_ready_run()
    healthy = all(result.ok for result in results)
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {result.name: "ok" if result.ok else "unavailable" for result in results},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@require_safe
def favicon_view(request: HttpRequest) -> HttpResponse:
    """Public: browsers ask for /favicon.ico on pages that name no icon (the admin, the customers'
    survey pages); answer with the site's icon instead of a 404 in every customer's console and our logs.

    Not a permanent redirect: the static file's name changes with its content in production.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))
