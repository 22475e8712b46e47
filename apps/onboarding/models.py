from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StarterChoice(models.Model):
    """The company's answer to the starter content offer: one row per company schema.

    `template` is the key of the industry template taken (apps/onboarding/content.py);
    empty with a `decided_at` means the offer was skipped. A template is taken once:
    the row is locked while its content is written, so taking it twice adds nothing.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    template = models.CharField(_("template"), max_length=32, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("starter content choice")
        verbose_name_plural = _("starter content choices")

    def __str__(self) -> str:
        return self.template or "-"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def is_taken(self) -> bool:
        return bool(self.template)
