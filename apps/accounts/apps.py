from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from apps.accounts.forms import ACCOUNT_INVITATION_EMAIL, PASSWORD_RESET_EMAIL
        from apps.outbox.kinds import OutboxKind, outbox_kind_register

        outbox_kind_register(
            OutboxKind(name=ACCOUNT_INVITATION_EMAIL, label=_("Account invitation"), redact_after_send=True)
        )
        outbox_kind_register(OutboxKind(name=PASSWORD_RESET_EMAIL, label=_("Password reset"), redact_after_send=True))
