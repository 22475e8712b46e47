"""Every URL pattern of a URL conf, and how its view is protected.

Used by test_url_protection.py (no view is left open by accident) and by
test_isolation_matrix.py (every route is tried with every wrong caller).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from apps.core.access import CapabilityRequiredMixin, HasCapability, PublicApiMixin, is_admin_view

URLCONFS = ("cxplatform.urls_tenants", "cxplatform.urls_public")
WRITE_METHODS = ("post", "put", "patch", "delete")


class Protection(StrEnum):
    CAPABILITY = "capability"  # login plus a named capability (HTML mixin or DRF permission)
    ADMIN = "admin"  # an admin site's view: the site's has_permission, its own login
    PUBLIC = "public"  # explicitly open: login_not_required or PublicApiMixin
    NONE = "none"  # neither: a mistake


@dataclass(frozen=True)
class Route:
    urlconf: str
    route: str  # the pattern as written, includes joined: "api/v1/users/<int:user_id>/"
    name: str | None  # "api:user_detail"
    callback: Callable[..., Any]

    @property
    def api_class(self) -> type[APIView] | None:
        view_class = getattr(self.callback, "cls", None)
        return view_class if isinstance(view_class, type) and issubclass(view_class, APIView) else None

    @property
    def view_class(self) -> type | None:
        return self.api_class or getattr(self.callback, "view_class", None)

    @property
    def key(self) -> str:
        """'urls_tenants /api/v1/users/<int:user_id>/': the URL conf and the pattern."""
        return f"{self.urlconf.rsplit('.', 1)[-1]} /{self.route}"

    @property
    def label(self) -> str:
        view = self.view_class or self.callback
        return f"{self.key} -> {view.__module__}.{view.__qualname__}"

    def methods(self) -> list[str]:
        """The HTTP methods the view answers (GET and POST for a plain function)."""
        view_class = self.view_class
        if view_class is None:
            return ["get", "post"]
        return [method for method in ("get", *WRITE_METHODS) if hasattr(view_class, method)]

    def capability(self, method: str) -> Callable[[Any], bool] | None:
        """The predicate the view asks for `method` (some views ask another one for writes)."""
        view_class = self.view_class
        if view_class is None:
            return None
        view = view_class.__new__(view_class)
        view.request = SimpleNamespace(method=method.upper())
        return getattr(view, "capability", None)

    def path(self, values: dict[str, str]) -> str:
        """The route with its parameters filled from `values` (by name; positional groups by order)."""
        missing = [name for name in self.parameters() if name not in values]
        if missing:
            raise KeyError(f"no value for {missing} in /{self.route}")
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: values[match.group(1)], self.route)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], path)
        return "/" + re.sub(r"\([^)]*\)", values["positional"], path).replace("^", "").replace("$", "")

    def parameters(self) -> list[str]:
        names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route)
        positional = ["positional"] if re.search(r"\((?!\?)", self.route) else []
        return [route_name or regex_name for route_name, regex_name in names] + positional


def routes(urlconf: str) -> list[Route]:
    return list(_walk(get_resolver(urlconf).url_patterns, urlconf=urlconf, prefix="", namespace=""))


def _walk(patterns: list[Any], *, urlconf: str, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        text = str(pattern.pattern) if isinstance(pattern.pattern, RoutePattern) else pattern.pattern.regex.pattern
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, urlconf=urlconf, prefix=prefix + text, namespace=inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(urlconf=urlconf, route=prefix + text, name=name, callback=pattern.callback)


def protection(route: Route) -> Protection:
    callback = route.callback
    api_class = route.api_class
    if api_class is not None:
        if issubclass(api_class, PublicApiMixin):
            return Protection.PUBLIC
        guarded = {IsAuthenticated, HasCapability} <= set(api_class.permission_classes)
        return Protection.CAPABILITY if guarded and _names_capability(api_class) else Protection.NONE
    if getattr(callback, "login_required", True) is False:
        return Protection.PUBLIC
    if is_admin_view(callback) or _through_admin_view(callback):
        return Protection.ADMIN
    view_class = route.view_class
    if view_class is not None and issubclass(view_class, CapabilityRequiredMixin) and _names_capability(view_class):
        return Protection.CAPABILITY
    return Protection.NONE


def _through_admin_view(callback: Callable[..., Any]) -> bool:
    """Wrapped by AdminSite.admin_view() (simple_history adds its views so), which checks the site's
    has_permission first: look for admin_view's inner function among the wrappers' closures."""
    seen: set[int] = set()
    todo = [callback]
    while todo:
        function = todo.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        if getattr(function, "__qualname__", "") == "AdminSite.admin_view.<locals>.inner":
            return True
        cells = getattr(function, "__closure__", None) or ()
        todo += [cell.cell_contents for cell in cells if callable(cell.cell_contents)]
    return False


def _names_capability(view_class: type) -> bool:
    # A property (a capability chosen by the request's method) counts: it is set on the class.
    return getattr(view_class, "capability", None) is not None


def unprotected(urlconf: str) -> list[str]:
    return [route.label for route in routes(urlconf) if protection(route) is Protection.NONE]
