"""Safe-by-default access control for HTML views and API views.

A capability is a predicate `(user) -> bool` (see apps/accounts/capabilities.py).
Closed unless said otherwise, on three levels:

- `LoginRequiredMiddleware` (below, in MIDDLEWARE) sends every anonymous request
  for an HTML page to the login page, except views marked with Django's
  `login_not_required` (the login and password-reset pages, the customers'
  survey links, health, ...). The admin checks its own has_permission and sends
  to its own login.
- HTML views name a capability through `CapabilityRequiredMixin` (403 without it).
- API views are DRF's business: the default permission classes (settings'
  REST_FRAMEWORK) are login plus `HasCapability`, which refuses a view that names
  no capability. A public endpoint says so with `PublicApiMixin`.

tests/core/test_url_protection.py walks every URL and fails on a view that is
neither capability-protected nor explicitly public.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponseBase
from rest_framework import permissions
from rest_framework.request import Request

if TYPE_CHECKING:
    # Only for annotations: DRF imports the default permission class (below) while
    # rest_framework.views itself is being imported.
    from rest_framework.views import APIView

Capability = Callable[[Any], bool]

logger = logging.getLogger(__name__)


def view_capability(view: Any) -> Capability | None:
    """The capability a view instance names, or None (then it is refused)."""
    capability = getattr(view, "capability", None)
    if capability is None:
        logger.error("%s names no capability and is not public: refused.", type(view).__name__)
    return capability


def is_api_view(view_func: Callable[..., Any]) -> bool:
    """A view function made by DRF's as_view() (it carries the class as `.cls`)."""
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def is_admin_view(view_func: Callable[..., Any]) -> bool:
    """A view of an admin site (its own or a model's): it checks the site's has_permission first."""
    return hasattr(view_func, "admin_site") or hasattr(view_func, "model_admin")


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, except for API views and the admin. API views authenticate on their own (a token
    is no session) and answer an anonymous caller with a 401 in the API's error body, not with a
    redirect. The admin sends to its own login page, also on the operators' domain, whose URL conf
    has no accounts:login."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if is_api_view(view_func) or is_admin_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class HasCapability(permissions.BasePermission):
    """DRF permission: the authenticated user passes the view's capability predicate.

    The default permission of every API view (with IsAuthenticated), so a view that
    forgets to name a capability is closed to everyone instead of open to any user."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        capability = view_capability(view)
        return capability is not None and bool(capability(user))


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
        capability = view_capability(self)
        if capability is None or not capability(request.user):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
