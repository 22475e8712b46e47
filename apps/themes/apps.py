from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "apps.themes"
    verbose_name = _("Themes")

    def ready(self) -> None:
        from apps.themes import receivers  # noqa: F401  (tags an answer's comments when it is recorded)
