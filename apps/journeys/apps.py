from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "apps.journeys"
    verbose_name = _("Service paths")
