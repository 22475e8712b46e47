from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from apps.core.client_address import trusted_proxies_check
        from apps.core.strict_fields import text_fields_strict

        checks.register(trusted_proxies_check)
        text_fields_strict()
