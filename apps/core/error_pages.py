"""The error pages: 400, 403, 404, 429 and a failed CSRF check, for staff and for customers.

Staff get the app's page in their language. A customer on a survey link (under
CUSTOMER_PATH_PREFIX) gets the survey's plain look in the visitor's language
(apps.core.visitor_language), with nothing that points into the staff app.
The 500 page is templates/500.html, rendered by Django without a request, so
it stands alone and speaks both languages.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

from apps.core.visitor_language import visitor_language

# Where cxplatform/urls_tenants.py mounts the customers' survey pages.
CUSTOMER_PATH_PREFIX = "/s/"


def is_customer_page(request: HttpRequest) -> bool:
    return request.path_info.startswith(CUSTOMER_PATH_PREFIX)


def error_page(
    request: HttpRequest, *, status: int, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """The error page for `status`: `template` for staff, the customers' page on a survey link."""
    if is_customer_page(request):
        language = visitor_language(request)
        with translation.override(language):
            context = {"status": status, "language": language}
            return render(request, "errors/customer.html", context, status=status)
    return render(request, template, context or {}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=400, template="400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=403, template="403.html")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=404, template="404.html")


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a browser that blocks cookies, or a form left open past a sign-in."""
    return error_page(request, status=403, template="403_csrf.html")


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """What a rate-limited request gets (429)."""
    return error_page(request, status=429, template="429.html")
