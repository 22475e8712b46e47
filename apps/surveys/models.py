import datetime as dt
import functools
import operator

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.content_languages import content_languages_ordered
from apps.core.models import TimeStampedModel


def quiet_hours_start_default() -> dt.time:
    # A callable, not a fixed time: Django's check W161 warns of a fixed time default for the 20
    # seconds around that time of day, which would fail `check --deploy --fail-level WARNING` at 21:00.
    return dt.time(21, 0)


def quiet_hours_end_default() -> dt.time:
    return dt.time(8, 0)


class InvitationChannel(models.TextChoices):
    """How invitations reach customers: the company's default, which a survey and a send-out may override."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    EMAIL_ELSE_SMS = "email_else_sms", _("Email, or a text message to those without an email address")


class ChannelSource(models.TextChoices):
    """Whose choice decides how an invitation goes: a send-out's own, else the survey's, else the company's."""

    SEND_OUT = "send_out", _("the send-out's choice")
    SURVEY = "survey", _("the survey's choice")
    COMPANY = "company", _("the company's choice (survey settings)")


class SurveySettings(models.Model):
    """The company's survey rules: one row per company schema (see selectors.survey_settings_get)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    default_delay_minutes = models.PositiveIntegerField(
        _("default delay after an encounter (minutes)"), default=120, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    quiet_hours_start = models.TimeField(_("quiet hours start"), default=quiet_hours_start_default)
    quiet_hours_end = models.TimeField(_("quiet hours end"), default=quiet_hours_end_default)
    frequency_cap_days = models.PositiveIntegerField(
        _("survey a customer at most once in (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    reminder_after_days = models.PositiveIntegerField(
        _("remind after (days, 0 = no reminder)"), default=3, validators=[MaxValueValidator(60)]
    )
    link_valid_days = models.PositiveIntegerField(
        _("survey link valid for (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    nps_poor_max = models.PositiveSmallIntegerField(
        _("NPS answers up to this open a case"), default=6, validators=[MaxValueValidator(10)]
    )
    csat_poor_max = models.PositiveSmallIntegerField(
        _("CSAT answers up to this open a case"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ces_poor_max = models.PositiveSmallIntegerField(
        _("CES answers up to this open a case"), default=3, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    case_due_working_days = models.PositiveSmallIntegerField(
        _("follow-up due within (working days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    # A late case reminds its assignee at once, then escalates after this many working days more (apps.cases).
    case_escalate_after_working_days = models.PositiveSmallIntegerField(
        _("escalate a late case after (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # Email unless the company chooses otherwise: a text message costs money and needs a provider account.
    invitation_channel = models.CharField(
        _("send invitations by"), max_length=16, choices=InvitationChannel.choices, default=InvitationChannel.EMAIL
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(_("Survey settings"))


class Survey(TimeStampedModel):
    name = models.CharField(_("internal name"), max_length=200)
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    # Swedish is optional: a survey without it speaks the company's language to a Swedish speaker.
    title_sv = models.CharField(_("title (Swedish)"), max_length=200, blank=True)
    intro_fi = models.TextField(_("introduction (Finnish)"), blank=True)
    intro_sv = models.TextField(_("introduction (Swedish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    thank_you_fi = models.TextField(_("thank-you text (Finnish)"), blank=True)
    thank_you_sv = models.TextField(_("thank-you text (Swedish)"), blank=True)
    thank_you_en = models.TextField(_("thank-you text (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # How this survey's invitations go out; blank: the company's choice (SurveySettings.invitation_channel).
    # A send-out's own choice (Campaign.channel) wins over it (selectors.invitation_channel_choice).
    channel = models.CharField(_("send invitations by"), max_length=16, choices=InvitationChannel.choices, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def text(self, field: str, language: str) -> str:
        """`field` in `language`, else in the company's language, Finnish or English, whichever is written."""
        return _text_in(self, field, language)


def _text_in(row: models.Model, field: str, language: str) -> str:
    for code in content_languages_ordered(language):
        if value := getattr(row, f"{field}_{code}"):
            return value
    return ""


class QuestionType(models.TextChoices):
    NPS = "nps", _("NPS (0-10)")
    CSAT = "csat", _("CSAT (1-5)")
    CES = "ces", _("CES (1-7)")
    TEXT = "text", _("Free text")
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    YESNO = "yesno", _("Yes or no")


# The scale of each scored question type: the types that make NPS, CSAT and CES.
QUESTION_SCALES: dict[str, tuple[int, int]] = {
    QuestionType.NPS: (0, 10),
    QuestionType.CSAT: (1, 5),
    QuestionType.CES: (1, 7),
}
# A yes/no answer is stored as a score, 1 for yes and 0 for no, so that its share is a count in SQL; it is
# kept out of QUESTION_SCALES, so it never enters the NPS, CSAT or CES figures.
YESNO_SCALE = (0, 1)
STORED_SCORE_RANGES: dict[str, tuple[int, int]] = {**QUESTION_SCALES, QuestionType.YESNO: YESNO_SCALE}
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTI)
# The questions a follow-up may depend on: those whose answer falls in a group (apps.surveys.branching).
CONDITION_TYPES = (QuestionType.NPS, QuestionType.CSAT, QuestionType.CES, QuestionType.YESNO)


class ShowIfGroup(models.TextChoices):
    """When a follow-up question is shown: the earlier question's answer is in this group."""

    DETRACTORS = "detractors", _("NPS detractors (0-6)")
    PASSIVES = "passives", _("NPS passives (7-8)")
    PROMOTERS = "promoters", _("NPS promoters (9-10)")
    DISSATISFIED = "dissatisfied", _("CSAT not satisfied (1-3)")
    SATISFIED = "satisfied", _("CSAT satisfied (4-5)")
    EFFORTFUL = "effortful", _("CES not easy (1-4)")
    EASY = "easy", _("CES easy (5-7)")
    NO = "no", _("Answered no")
    YES = "yes", _("Answered yes")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    type = models.CharField(_("type"), max_length=8, choices=QuestionType.choices)
    text_fi = models.CharField(_("question (Finnish)"), max_length=500)
    text_sv = models.CharField(_("question (Swedish)"), max_length=500, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=500)
    required = models.BooleanField(_("required"), default=True)
    # A follow-up: shown (and required, when required) only when the earlier question's answer is in the group.
    show_if_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("show only when the answer to"),
    )
    show_if_group = models.CharField(_("is in"), max_length=16, choices=ShowIfGroup.choices, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique"),
            models.CheckConstraint(
                condition=Q(show_if_question__isnull=True, show_if_group="")
                | Q(~Q(show_if_group=""), show_if_question__isnull=False),
                name="question_condition_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.text_fi or self.text_en

    def text(self, language: str) -> str:
        return _text_in(self, "text", language)

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def scale_options(self) -> list[int]:
        if self.type not in QUESTION_SCALES:
            return []
        low, high = QUESTION_SCALES[self.type]
        return list(range(low, high + 1))


class QuestionOption(models.Model):
    """One option of a single- or multiple-choice question. An option with answers is never deleted (its
    answers point at it): it can be renamed or hidden from new respondents."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(_("position"))
    label_fi = models.CharField(_("option (Finnish)"), max_length=200)
    label_sv = models.CharField(_("option (Swedish)"), max_length=200, blank=True)
    label_en = models.CharField(_("option (English)"), max_length=200)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.label_fi or self.label_en

    def label(self, language: str) -> str:
        return _text_in(self, "label", language)


class TouchpointSurvey(models.Model):
    """Which survey follows an encounter at a touchpoint, and after how long."""

    touchpoint = models.OneToOneField(
        "journeys.Touchpoint", on_delete=models.CASCADE, related_name="follow_up_survey", verbose_name=_("touchpoint")
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="touchpoints", verbose_name=_("survey"))
    delay_minutes = models.PositiveIntegerField(
        _("send after (minutes)"), null=True, blank=True, help_text=_("Empty: the company default.")
    )

    class Meta:
        verbose_name = _("touchpoint survey")
        verbose_name_plural = _("touchpoint surveys")

    def __str__(self) -> str:
        return f"{self.touchpoint} → {self.survey}"


class Campaign(TimeStampedModel):
    """A survey sent to a filtered list of customers, once or on a recurring schedule."""

    name = models.CharField(_("name"), max_length=200)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("survey"))
    # Filters of the customer list: {"segment": id, "persona": id, "language": "fi", "search": "..."}.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    next_run_at = models.DateTimeField(_("next send"), null=True, blank=True, db_index=True)
    repeat_every_months = models.PositiveSmallIntegerField(
        _("repeat every (months)"), null=True, blank=True, help_text=_("Empty: send once.")
    )
    # Blank: the survey's choice, else the company's (SurveySettings.invitation_channel), when the send-out runs.
    channel = models.CharField(_("send by"), max_length=16, choices=InvitationChannel.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("survey send-out")
        verbose_name_plural = _("survey send-outs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    SUPPRESSED = "suppressed", _("Not sent")
    FAILED = "failed", _("Failed")


class SuppressionReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent to surveys")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    NO_EMAIL = "no_email", _("No email address")
    NO_PHONE = "no_phone", _("No mobile number")
    SMS_STOPPED = "sms_stopped", _("Stopped text messages")
    FREQUENCY_CAP = "frequency_cap", _("Surveyed recently")
    SURVEY_INACTIVE = "survey_inactive", _("Survey no longer active")


class Invitation(TimeStampedModel):
    """One customer asked to answer one survey, through one link."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invitations")
    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations")
    language = models.CharField(max_length=8, default="fi")
    # How this invitation (and its reminder) reaches the customer: "email" or "sms".
    channel = models.CharField(max_length=8, default=InvitationChannel.EMAIL)
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.SCHEDULED)
    suppression_reason = models.CharField(max_length=20, choices=SuppressionReason.choices, blank=True)
    # The link token is derived from this nonce with the server's secret (see tokens.py);
    # only the token's hash is stored for look-up, so the database alone cannot forge a link.
    token_nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "-sent_at"], name="invitation_customer_sent")]

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: where the encounter it follows happened; none for a send-out's."""
        return Q(encounter__location_id__in=location_ids)

    def __str__(self) -> str:
        return f"{self.survey} → {self.customer}"


class EmailKind(models.TextChoices):
    INITIAL = "initial", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class EmailStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class InvitationEmail(models.Model):
    """One email of an invitation: a row with a due time that the dispatcher picks up.

    When it is due, a worker hands it to the outbox (status scheduled -> sending)
    in one transaction; the outbox sends it and marks it sent, failed or cancelled.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=16, choices=EmailKind.choices)
    status = models.CharField(max_length=16, choices=EmailStatus.choices, default=EmailStatus.SCHEDULED)
    due_at = models.DateTimeField()
    # When a dispatch last gave it to a worker's queue (see sending.invitation_emails_hand_out).
    handed_out_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outbox message this email became when it was handed over (status sending).
    outbound = models.OneToOneField(
        "outbox.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation_email"
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["invitation", "kind"], name="invitation_email_kind_unique")]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status__in=["scheduled", "sending"]), name="invitation_email_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.invitation_id}"


class ResponseSource(models.TextChoices):
    """How an answer reached us. Invited answers come from a link sent to one known customer; the
    point-of-service ones (a QR code or a short link on a poster, a kiosk at the counter) are open to
    anyone, anonymous unless the customer leaves contact details, and are kept out of the invited
    figures (see apps/pos)."""

    INVITED = "invited", _("By invitation")
    QR = "qr", _("QR code or short link")
    KIOSK = "kiosk", _("Kiosk")


class Response(models.Model):
    """A customer's answer, recorded once, with where it came from for every later cut.

    An invited answer has its invitation and customer; a point-of-service answer has neither,
    unless the customer left contact details (then a customer and no invitation).
    """

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    source = models.CharField(_("source"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.INVITED)
    encounter = models.ForeignKey(
        "encounters.Encounter", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    path = models.ForeignKey(
        "journeys.ServicePath", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    language = models.CharField(max_length=8)
    submitted_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["touchpoint", "submitted_at"], name="response_touchpoint_time")]
        constraints = [
            # Only an invited answer has an invitation, and it always has one (and its customer).
            models.CheckConstraint(
                condition=Q(source="invited", invitation__isnull=False, customer__isnull=False)
                | Q(~Q(source="invited"), invitation__isnull=True),
                name="response_invitation_matches_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.customer or _('anonymous')}"

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: where the encounter it follows happened; none for a send-out's."""
        return Q(encounter__location_id__in=location_ids)


# The PostgreSQL text search configuration of a comment in each language the customers answer in; any other
# language is split into words without stemming ("simple").
SEARCH_CONFIGS = {"fi": "finnish", "sv": "swedish", "en": "english"}
SEARCH_CONFIG_FALLBACK = "simple"


def _comment_search_vector() -> models.Case:
    return models.Case(
        *(
            models.When(language=code, then=SearchVector("text", config=config))
            for code, config in SEARCH_CONFIGS.items()
        ),
        default=SearchVector("text", config=SEARCH_CONFIG_FALLBACK),
        output_field=SearchVectorField(),
    )


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    type = models.CharField(max_length=8, choices=QuestionType.choices)
    score = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    # The response's language, copied by a database trigger on insert (migration 0009) whoever writes the
    # row, so that the search vector below can be a generated column (it may read only its own row).
    language = models.CharField(max_length=8, blank=True, editable=False, db_default="")
    # The comment's words stemmed in its language, for the comments search (docs/comments.md). Generated:
    # erasure or retention blanking the text empties it in the same statement.
    search_vector = models.GeneratedField(
        expression=_comment_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        ordering = ["response", "question__position"]
        indexes = [
            GinIndex(fields=["search_vector"], name="answer_comment_search", condition=Q(type="text")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        Q(type=str(kind), score__gte=low, score__lte=high)
                        for kind, (low, high) in STORED_SCORE_RANGES.items()
                    ),
                    Q(score__isnull=True),
                ),
                name="answer_score_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.score if self.score is not None else self.text[:40]}"


class AnswerChoice(models.Model):
    """One option chosen in a choice answer: a row per option (not an array on the answer), so that the
    options are counted with a plain GROUP BY, each row keeps its option by a foreign key that refuses
    the option's deletion, and a renamed option's answers follow the new name."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(QuestionOption, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        ordering = ["answer", "option__position"]
        constraints = [models.UniqueConstraint(fields=["answer", "option"], name="answer_choice_once")]

    def __str__(self) -> str:
        return f"{self.answer_id} → {self.option}"
