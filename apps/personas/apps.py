from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonasConfig(AppConfig):
    name = "apps.personas"
    verbose_name = _("Buyer personas")
