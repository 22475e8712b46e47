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
