"""Who must hear that a company's time zone changed, contributed by the apps built on tenants.

The roll-ups of apps.metrics count each day in the company's local time, so a new zone means
rebuilding them. Metrics sits above tenants, so tenants cannot call it: like the customer
timeline, it registers a listener here (in its AppConfig.ready). Listeners run once the change
has committed, in the company's schema, so a task they queue runs in that company.
"""

from collections.abc import Callable

from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant

TimeZoneListener = Callable[[], None]
_listeners: list[TimeZoneListener] = []


def company_time_zone_listener_register(listener: TimeZoneListener) -> TimeZoneListener:
    """Add a listener; usable as a decorator. Registering twice is harmless."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def company_time_zone_moved(*, tenant: Tenant) -> None:
    """Tell every listener, in the company's schema, that its time zone changed."""
    with tenant_context(tenant):
        for listener in _listeners:
            listener()
