from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "apps.onboarding"
    verbose_name = _("Getting started")

    def ready(self) -> None:
        from apps.core.home_panels import home_panel_provider_register
        from apps.onboarding.home import onboarding_home_panel

        home_panel_provider_register(onboarding_home_panel)
