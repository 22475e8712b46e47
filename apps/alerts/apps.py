from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from apps.alerts import personal_data, receivers  # noqa: F401  (registers the data; connects the answer signal)
        from apps.alerts.services.deliveries import OUTBOX_KIND, alert_webhook_target
        from apps.outbox.kinds import OutboxKind, outbox_kind_register

        outbox_kind_register(OutboxKind(name=OUTBOX_KIND, label=_("Alert"), webhook_target=alert_webhook_target))
