"""Middleware of the kernel."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from apps.core.deletion import PROTECTED
from apps.core.exceptions import protected_refusal_message


class ProtectedDeleteMiddleware:
    """A page whose delete is refused by rows that must be kept answers 400 with the reason, not 500.

    Services turn the refusals they expect into a DomainError the page shows in
    place (apps.core.deletion.rows_delete); this catches one a page did not
    expect, so no delete can end in a server error. The API has the same rule in
    its exception handler.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PROTECTED):
            return None
        message = protected_refusal_message(exception)
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"ok": False, "message": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY as the Permissions-Policy header, unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class HealthProbeMiddleware:
    """Answers the health probes first, before the company is looked up by host name.

    A probe is sent by a load balancer or an orchestrator, often to the process's own
    address rather than a company's host: through the rest of the stack it would cost
    a database query to find the company (liveness must touch nothing outside the
    process) and a 400 or 404 for an unknown host. The same views are in both URL
    confs, so the addresses resolve (and are listed as public) without this too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from apps.core.views import health_live_view, health_ready_view

        self.get_response = get_response
        self.probes = {
            "/health/live/": health_live_view,
            "/health/ready/": health_ready_view,
            "/health/": health_ready_view,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
