from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataExport(models.Model):
    """A prepared copy of everything held about one customer, kept for a short time to be handed over.

    The content is itself personal data: it is registered in personal_data.py and
    deleted when it expires (personal_data_exports_delete_expired).
    """

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="personal_data_exports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    # The zip file (data.json, index.html and CSV files).
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"
