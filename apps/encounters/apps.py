from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "apps.encounters"
    verbose_name = _("Encounters")

    def ready(self) -> None:
        from apps.customers.timeline import timeline_provider_register
        from apps.encounters.timeline import encounter_timeline_entries

        timeline_provider_register(encounter_timeline_entries)
