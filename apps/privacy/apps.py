from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        # Each app declares the personal data of its models in its own personal_data.py.
        autodiscover_modules("personal_data")
