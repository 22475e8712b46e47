from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.content_languages import content_languages_ordered
from apps.core.models import TimeStampedModel


class Language(models.TextChoices):
    FI = "fi", _("Finnish")
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class ConsentSource(models.TextChoices):
    """Through which channel a change of a customer's consent came (see ConsentEvent)."""

    FRONTLINE = "frontline", _("Asked by frontline staff")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Customer import")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")
    SURVEY_LINK = "survey_link", _("Survey email link")
    ONE_CLICK = "one_click", _("One-click unsubscribe in the email program")
    ADMIN = "admin", _("Admin site")
    SMS_REPLY = "sms_reply", _("Reply to a text message")
    SMS_LINK = "sms_link", _("Survey text message link")
    # Unsubscribes (and a few consents) from before the ledger did not record their channel.
    UNRECORDED = "unrecorded", _("Not recorded")


# The channels an API client or a staff form may name when it records a consent.
CONSENT_SOURCES_GIVEN_BY_CLIENTS = [
    ConsentSource.FRONTLINE,
    ConsentSource.STAFF,
    ConsentSource.IMPORT,
    ConsentSource.WEB_FORM,
    ConsentSource.API,
]


class ConsentKind(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from surveys")
    RESUBSCRIBED = "resubscribed", _("Subscribed again")
    # The text message channel alone: the customer may still be surveyed by email.
    SMS_STOPPED = "sms_stopped", _("Stopped text messages")
    SMS_RESUMED = "sms_resumed", _("Text messages allowed again")


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
    # Asked for no more text messages (a STOP reply): surveys may still come by email.
    sms_stopped = models.BooleanField(_("no text messages"), default=False)
    sms_stopped_at = models.DateTimeField(_("text messages stopped at"), null=True, blank=True)
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

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: a customer met at one of the locations, in an encounter or in a survey
        answer given after one. Two subqueries rather than joins: no duplicate rows, and each is served by
        the encounter's location index."""
        met = cls.objects.filter(encounters__location_id__in=location_ids).values("pk")
        answered = cls.objects.filter(responses__encounter__location_id__in=location_ids).values("pk")
        return Q(pk__in=met) | Q(pk__in=answered)

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
    # Why the file was refused, as text in one language: only imports checked before the reason became
    # a code in report["file_error"] (read in the reader's language by selectors.customer_import_report).
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
    # The background check and write: when the latest one was queued.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # Why the latest write failed, as text in one language: only writes that failed before the reason
    # became a code in report["commit_error"] (read in the reader's language, as file_error is).
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


class ConsentWording(models.Model):
    """A version of the consent text customers are shown, in Finnish, Swedish and English.

    Versions are never edited: a change of the text is a new version, so every consent
    event keeps pointing at the words the customer actually saw. Version 1 (the text
    the encounter form and the survey pages have always meant) is created by migration
    in every company; the newest version is the one in force. The Swedish text came later:
    version 1 got its translation by migration (the same words, in a third language); a
    later version may leave it empty, and then the Swedish reader sees the company's
    language, then Finnish, then English.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_fi = models.TextField(_("text in Finnish"))
    text_sv = models.TextField(_("text in Swedish"), blank=True, default="")
    text_en = models.TextField(_("text in English"))
    # Null for version 1, which the product ships; a later version is an admin's edit.
    created_at = models.DateTimeField(_("created at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("consent wording")
        verbose_name_plural = _("consent wordings")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Consent wording %(version)s") % {"version": self.version}

    def text(self, language: str | None) -> str:
        """The text in `language`, else in the next language that has one (apps.core.content_languages)."""
        for code in content_languages_ordered(language):
            text = getattr(self, f"text_{code}", "")
            if text:
                return text
        return self.text_fi

    @property
    def text_for_reader(self) -> str:
        """The text in the language of the page being rendered (for templates)."""
        return self.text(get_language())


class AppendOnlyError(Exception):
    """A consent event was to be changed or deleted; the ledger only grows."""


class ConsentEventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Consent events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Consent events are never deleted.")


class ConsentEvent(models.Model):
    """One change of a customer's consent: the ledger the Customer's consent columns are derived from.

    Append-only (written by apps.customers.consent alone; the ORM refuses to change or delete
    a row). Holds no personal text: ids, times and codes only, so erasure keeps it as the
    proof of what the person agreed to. It lives as long as its customer: deleting a customer
    outright (possible only while nothing else refers to them) takes the ledger along.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), related_name="consent_events", on_delete=models.CASCADE
    )
    kind = models.CharField(_("change"), max_length=16, choices=ConsentKind.choices)
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=16, choices=ConsentSource.choices)
    # Who recorded it; none when the customer acted themselves (a survey link, an email program).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    wording = models.ForeignKey(
        ConsentWording, verbose_name=_("consent wording"), related_name="+", on_delete=models.PROTECT
    )
    # Plain ids, not foreign keys: encounters and invitations live in apps built on this one,
    # and the proof must outlive an import file deleted by retention.
    encounter_ref = models.BigIntegerField(_("encounter id"), null=True, blank=True)
    import_ref = models.BigIntegerField(_("import id"), null=True, blank=True)
    invitation_ref = models.BigIntegerField(_("invitation id"), null=True, blank=True)
    # Made from the consent columns when the ledger was introduced, not recorded as it happened.
    migrated = models.BooleanField(_("migrated"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["customer", "id"]
        indexes = [models.Index(fields=["customer", "id"], name="consent_event_customer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Consent events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Consent events are never deleted.")

    @property
    def by_customer(self) -> bool:
        """The customer acted themselves, through a survey email."""
        return self.actor_id is None and self.source in (
            ConsentSource.SURVEY_LINK,
            ConsentSource.ONE_CLICK,
            ConsentSource.SMS_REPLY,
            ConsentSource.SMS_LINK,
        )
