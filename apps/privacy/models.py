"""The privacy app's models: prepared personal-data exports and the company's retention periods."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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


RETENTION_MONTHS_MAX = 240


# What the page suggests to a company that has not chosen yet; nothing happens until retention is on.
RETENTION_MONTHS_DEFAULT = 24


def _months_field(verbose_name: str, help_text: str) -> models.PositiveSmallIntegerField:
    # Empty means "keep until erased": the period is off for that kind of data.
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=RETENTION_MONTHS_DEFAULT,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MONTHS_MAX)],
        help_text=help_text,
    )


class RetentionSettings(models.Model):
    """One row per company (see retention.selectors.retention_settings_get), editable by its admins.

    Off by default: nothing is anonymised until an admin has seen the dry-run count
    and switched retention on.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    enabled = models.BooleanField(
        _("anonymise data past its time every night"),
        default=False,
        help_text=_("Off: the periods below are kept but nothing is anonymised."),
    )
    free_text_months = _months_field(
        _("keep customers' written comments (months)"),
        _("Comments in survey answers and their copies in follow-up cases. Empty: keep until erased."),
    )
    staff_note_months = _months_field(
        _("keep staff notes (months)"),
        _("Notes on encounters and follow-up cases, written by staff. Empty: keep until erased."),
    )
    inactive_customer_months = _months_field(
        _("keep customers without activity (months)"),
        _(
            "A customer with no encounter, answer or case for this long (counted from the latest one, "
            "or from when the customer was added) is erased. Empty: keep until erased."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention settings")
        verbose_name_plural = _("retention settings")

    def __str__(self) -> str:
        return str(_("Retention settings"))
