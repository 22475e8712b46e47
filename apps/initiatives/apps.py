from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "apps.initiatives"
    verbose_name = _("Improvement initiatives")
