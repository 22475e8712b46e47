"""Login throttling with django-axes: whose attempts are counted, and what a locked-out visitor sees.

AXES_* settings in cxplatform/settings/base.py point here. Attempts are counted in
the schema of the request (axes is a tenant app), by email and client address.
"""

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from apps.core.client_address import client_ip

LOCKOUT_STATUS = 429


def client_address(request: HttpRequest) -> str | None:
    """The address a login attempt is counted against: the client's, read through trusted proxies
    (settings.TRUSTED_PROXIES), so behind the TLS proxy each client has its own count."""
    return client_ip(request)


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email a login attempt is counted for, as stored (emails are lower-case)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else None


def lockout_until(*, now: dt.datetime | None = None) -> dt.datetime:
    """When a client locked out now may try again: each try while locked starts the wait anew."""
    return (now or timezone.now()) + (get_cool_off() or dt.timedelta())


def lockout_message(*, until: dt.datetime) -> str:
    company_zone = getattr(getattr(connection, "tenant", None), "time_zone", "") or settings.TIME_ZONE
    local = timezone.localtime(until, timezone=ZoneInfo(company_zone))
    return _("Too many failed sign-in attempts. Try again after %(time)s.") % {"time": time_format(local)}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """Axes' lockout response: the login page again with the message, or the API's error body; 429 both."""
    until = lockout_until()
    message = lockout_message(until=until)
    retry_after = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    form = _login_form_of(original_response)
    if form is not None and isinstance(original_response, TemplateResponse):
        # The login page again, its form's own error ("email or password is wrong") replaced by the lockout.
        form._errors = ErrorDict({"__all__": form.error_class([message])})
        original_response.content = original_response.rendered_content
        response: HttpResponse = original_response
        response.status_code = LOCKOUT_STATUS
    elif request.path_info.startswith("/api/"):
        response = JsonResponse({"message": message, "code": "locked_out"}, status=LOCKOUT_STATUS)
    else:
        response = HttpResponse(message, status=LOCKOUT_STATUS, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after
    return response


def _login_form_of(response: HttpResponse | None) -> AuthenticationForm | None:
    form = (getattr(response, "context_data", None) or {}).get("form")
    return form if isinstance(form, AuthenticationForm) else None
