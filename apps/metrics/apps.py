from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "apps.metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from apps.metrics import receivers  # noqa: F401  (forgets the cached key drivers when an answer arrives)
        from apps.metrics.services import metrics_time_zone_moved
        from apps.tenants.time_zone_listeners import company_time_zone_listener_register

        company_time_zone_listener_register(metrics_time_zone_moved)
