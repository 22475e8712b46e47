from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "apps.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from apps.customers.consent_timeline import consent_timeline_entries
        from apps.customers.timeline import timeline_provider_register

        timeline_provider_register(consent_timeline_entries)
