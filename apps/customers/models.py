from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Language(models.TextChoices):
    FI = "fi", _("Finnish")
    EN = "en", _("English")


class ConsentSource(models.TextChoices):
    """How a customer's consent to be surveyed was given."""

    FRONTLINE = "frontline", _("Asked by frontline staff")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Customer import")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")


class Segment(TimeStampedModel):
    """A small list rather than free text: filters offer exact choices and "Yritys" never drifts from "yritys"."""

    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="segment_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """A person or a company contact the company serves and may survey."""

    full_name = models.CharField(_("name"), max_length=200, blank=True)
    # Stored lower-cased by the services, so equality and search need no function.
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # E.164 form of `phone` ("+358401234567"), what search and matching use.
    phone_normalized = models.CharField(_("normalised phone"), max_length=20, blank=True, editable=False)
    language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices, default=Language.FI)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        related_name="customers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    persona = models.ForeignKey(
        "personas.BuyerPersona",
        verbose_name=_("persona"),
        related_name="customers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    survey_consent = models.BooleanField(_("consents to surveys"), default=False)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_source = models.CharField(
        _("consent given through"), max_length=16, choices=ConsentSource.choices, blank=True
    )
    unsubscribed = models.BooleanField(_("unsubscribed"), default=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    # Set when the customer's personal data was erased (apps.privacy.erasure); the row
    # stays, without anything that identifies the person, so every figure stays the same.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["full_name", "email", "id"]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name="customer_external_id"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="customer_email"),
        ]
        indexes = [
            # Trigram indexes make "contains" search fast at any position of the
            # text (pg_trgm lives in the public schema, see apps/core/migrations).
            # The name's index is on UPPER(full_name), what icontains compares; it
            # is created in migration 0001 by SQL because Django 5.2 misplaces the
            # parentheses of an OpClass around a function.
            GinIndex(fields=["email"], opclasses=["gin_trgm_ops"], name="customer_email_trgm"),
            GinIndex(fields=["phone_normalized"], opclasses=["gin_trgm_ops"], name="customer_phone_trgm"),
            models.Index(fields=["full_name", "email", "id"], name="customer_order"),
            models.Index(fields=["phone_normalized"], name="customer_phone"),
        ]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("Erased customer #%(id)s") % {"id": self.pk})
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def can_be_surveyed(self) -> bool:
        return not self.is_erased and bool(self.email) and self.survey_consent and not self.unsubscribed


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    VALIDATED = "validated", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    FAILED = "failed", _("File rejected")
    COMMITTED = "committed", _("Imported")
    DISCARDED = "discarded", _("Cancelled")


class CustomerImport(TimeStampedModel):
    """An uploaded customer file, kept server-side between the report and the user's choice."""

    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    file_error = models.TextField(_("file error"), blank=True)
    # Counts, the detected format and the row errors of the latest check (see importing.py).
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The background check and write: when the latest one was queued, and why the latest write failed.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    commit_error = models.TextField(_("import error"), blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
