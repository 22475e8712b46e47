from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocationsConfig(AppConfig):
    name = "apps.locations"
    verbose_name = _("Locations")

    def ready(self) -> None:
        from apps.accounts.scope import location_scope_preload_set, location_scope_resolver_set
        from apps.locations.selectors import location_scope_resolve, users_with_location_scope_rows

        location_scope_resolver_set(location_scope_resolve)
        location_scope_preload_set(users_with_location_scope_rows)
