"""Safe-by-default access control for HTML views and API views.

A capability is a predicate `(user) -> bool` (see apps/accounts/capabilities.py).
Every API view and every HTML view built on these bases must name one; a view
that forgets it is refused, not opened. Public endpoints opt out explicitly.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

Capability = Callable[[Any], bool]


def _view_capability(view: Any) -> Capability:
    capability = getattr(view, "capability", None)
    if capability is None:
        raise ImproperlyConfigured(f"{type(view).__name__} must set `capability` (or use a public base class).")
    return capability


class HasCapability(permissions.BasePermission):
    """DRF permission: the authenticated user passes the view's capability predicate."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(_view_capability(view)(user))


class CapabilityApiMixin:
    """Base for every authenticated API view: login plus a named capability."""

    permission_classes = [permissions.IsAuthenticated, HasCapability]
    capability: Capability | None = None


class PublicApiMixin:
    """Explicit opt-out: an API view that anyone may call (throttled)."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]


class CapabilityRequiredMixin(AccessMixin):
    """HTML views: redirect anonymous users to login, 403 users without the capability."""

    capability: Capability | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not _view_capability(self)(request.user):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
