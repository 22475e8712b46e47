from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = _("Leadership dashboard")

    def ready(self) -> None:
        from apps.dashboards.services import LEADERSHIP_DIGEST_EMAIL
        from apps.outbox.kinds import OutboxKind, outbox_kind_register

        outbox_kind_register(OutboxKind(name=LEADERSHIP_DIGEST_EMAIL, label=_("Weekly leadership digest")))
