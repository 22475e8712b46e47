"""The second boundary inside a company: a manager scoped to regions or locations sees only those.

`user_location_scope(user)` answers None (the whole company: admins, unscoped managers, and
frontline staff, who are limited to their own work by other rules) or the frozenset of location
ids the user may see. The scope itself (its model, and the region tree it is resolved through)
lives in apps.locations, above this app; it registers its resolver here when the app registry is
ready (LocationsConfig.ready), so every app from accounts up can ask without importing it. Until
a resolver is registered the answer is an error, never the whole company.

Reads apply it through `scoped(queryset, user=...)`: the model names how its rows reach a location
(`location_scope_q`), so a list and its detail and export apply the same rule, and a model that
names none is refused rather than shown whole.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django_tenants.utils import get_public_schema_name

from apps.accounts.models import Role

LocationScope = frozenset[int] | None
ScopeResolver = Callable[[Any], frozenset[int] | None]
ScopePreload = Callable[[QuerySet[Any]], QuerySet[Any]]

_resolver: ScopeResolver | None = None
_preload: ScopePreload | None = None
_MEMO = "_location_scope"
# Where `users_with_location_scope` leaves a user's scope rows (the ids of the locations and of the
# regions), read with the user in one query; the resolver takes them from there instead of asking.
SCOPE_LOCATION_IDS = "_location_scope_location_ids"
SCOPE_REGION_IDS = "_location_scope_region_ids"

M = TypeVar("M", bound=Model)


def location_scope_resolver_set(resolver: ScopeResolver) -> None:
    global _resolver
    _resolver = resolver


def location_scope_preload_set(preload: ScopePreload) -> None:
    """`preload(users)` annotates a User queryset with SCOPE_LOCATION_IDS and SCOPE_REGION_IDS."""
    global _preload
    _preload = preload


def users_with_location_scope(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` of users, each loaded with their scope rows: the signed-in user of every page is read
    this way (apps.accounts.backends), so a manager's scope costs no query of its own."""
    # Location scopes live in the company schemas only: the operators' users (public schema) have none.
    if _preload is None or connection.schema_name == get_public_schema_name():
        return queryset
    return _preload(queryset)


def user_location_scope(user: Any) -> LocationScope:
    """None: the whole company; else the ids of the locations `user` may see (possibly none)."""
    if not (user and getattr(user, "is_authenticated", False)) or getattr(user, "role", None) != Role.MANAGER:
        return None
    if _resolver is None:
        raise ImproperlyConfigured("No location scope resolver: is apps.locations installed?")
    # Kept on the user object: a page asks several times, and the request's user is loaded afresh for
    # each request. `location_scope_forget` drops it when the scope changes.
    if _MEMO not in user.__dict__:
        user.__dict__[_MEMO] = _resolver(user)
    return user.__dict__[_MEMO]


def location_scope_forget(user: Any) -> None:
    user.__dict__.pop(_MEMO, None)
    # The rows read with the user are stale too (on the user itself, behind request.user's lazy wrapper).
    for name in (SCOPE_LOCATION_IDS, SCOPE_REGION_IDS):
        if hasattr(user, name):
            delattr(user, name)


def user_is_scoped(user: Any) -> bool:
    return user_location_scope(user) is not None


def scoped(queryset: QuerySet[M], *, user: Any, also: Q | None = None) -> QuerySet[M]:
    """`queryset` cut to what `user` may see of it by location. The model says how its rows reach a
    location with a classmethod `location_scope_q(location_ids) -> Q`. `also`: rows the user may see
    wherever they are (a case assigned to them)."""
    location_ids = user_location_scope(user)
    if location_ids is None:
        return queryset
    scope_q = getattr(queryset.model, "location_scope_q", None)
    if scope_q is None:
        raise ImproperlyConfigured(f"{queryset.model.__name__} names no location_scope_q: cannot scope it.")
    condition: Q = scope_q(location_ids)
    if also is not None:
        condition |= also
    return queryset.filter(condition)
