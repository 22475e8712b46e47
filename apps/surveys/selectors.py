"""Reads for surveys: definitions and their touchpoint links, audiences, send-outs, invitations,
responses and comments."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.core.content_languages import CONTENT_LANGUAGES
from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.journeys.selectors import touchpoint_list
from apps.surveys.models import (
    Answer,
    Campaign,
    ChannelSource,
    EmailStatus,
    Invitation,
    InvitationChannel,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
    Survey,
    SurveySettings,
    TouchpointSurvey,
)
from apps.surveys.tokens import token_hash, token_looks_valid


def survey_settings_get() -> SurveySettings:
    """The company's survey rules, created with the defaults on first use."""
    settings, _created = SurveySettings.objects.get_or_create(singleton=True)
    return settings


def case_escalation_days() -> int:
    """For apps.cases.escalation: working days from a case's due time to its escalation."""
    return survey_settings_get().case_escalate_after_working_days


def survey_list(*, active_only: bool = False) -> QuerySet[Survey]:
    surveys = Survey.objects.prefetch_related("questions").order_by("name")
    return surveys.filter(is_active=True) if active_only else surveys


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points to, or None for a malformed or unknown token."""
    if not token_looks_valid(token):
        return None
    return (
        Invitation.objects.select_related("survey", "customer", "touchpoint")
        .filter(token_hash=token_hash(token))
        .first()
    )


def claimable_emails_q(now: dt.datetime) -> Q:
    """Emails a worker may hand to the outbox: scheduled and due. (Once handed over, the outbox's lease
    covers a worker that dies mid-send.)"""
    return Q(status=EmailStatus.SCHEDULED, due_at__lte=now)


@dataclass(frozen=True)
class Comment:
    """A customer's free-text answer, word for word, with the NPS they gave in the same response."""

    text: str
    submitted_at: dt.datetime
    nps: int | None
    language: str


def comments_for(
    *,
    touchpoint_id: int,
    since: dt.datetime,
    until: dt.datetime,
    limit: int = 20,
    location_ids: frozenset[int] | None = None,
) -> list[Comment]:
    """Free-text answers about a touchpoint submitted in [since, until), newest first. `location_ids`: only
    answers after encounters at those locations (apps.accounts.scope.user_location_scope: None is all)."""
    nps = Answer.objects.filter(response_id=OuterRef("response_id"), type=QuestionType.NPS).values("score")[:1]
    answers = Answer.objects.filter(
        type=QuestionType.TEXT,
        response__touchpoint_id=touchpoint_id,
        response__submitted_at__gte=since,
        response__submitted_at__lt=until,
    )
    if location_ids is not None:
        answers = answers.filter(response__in=Response.objects.filter(Response.location_scope_q(location_ids)))
    answers = (
        answers.exclude(text="")
        .annotate(nps=Subquery(nps))
        .select_related("response")
        .order_by("-response__submitted_at", "-id")[:limit]
    )
    return [
        Comment(
            text=answer.text,
            submitted_at=answer.response.submitted_at,
            nps=answer.nps,
            language=answer.response.language,
        )
        for answer in answers
    ]


def survey_list_with_counts(*, include_inactive: bool = True) -> QuerySet[Survey]:
    surveys = Survey.objects.annotate(
        question_count=Count("questions", distinct=True),
        touchpoint_count=Count("touchpoints", distinct=True),
        response_count=Count("responses", distinct=True),
    ).order_by("-is_active", "name")
    return surveys if include_inactive else surveys.filter(is_active=True)


def survey_get(*, survey_id: int) -> Survey | None:
    questions = Prefetch(
        "questions",
        queryset=Question.objects.order_by("position").select_related("show_if_question").prefetch_related("options"),
    )
    return Survey.objects.prefetch_related(questions).filter(pk=survey_id).first()


def survey_touchpoint_links(*, survey: Survey) -> QuerySet[TouchpointSurvey]:
    """The touchpoints that follow up with `survey`, in path order."""
    return (
        TouchpointSurvey.objects.filter(survey=survey)
        .select_related("touchpoint__stage__path")
        .order_by("touchpoint__stage__path__name", "touchpoint__stage__position", "touchpoint__position")
    )


@dataclass
class StageChoices:
    name: str
    touchpoints: list[Any] = field(default_factory=list)


@dataclass
class PathChoices:
    name: str
    stages: list[StageChoices] = field(default_factory=list)


def touchpoint_choices_grouped() -> list[PathChoices]:
    """Every touchpoint on a path in use, grouped by path and stage, each with its current
    follow-up link (`touchpoint.link`, or None)."""
    links = {link.touchpoint_id: link for link in TouchpointSurvey.objects.select_related("survey")}
    paths: list[PathChoices] = []
    for touchpoint in touchpoint_list():
        touchpoint.link = links.get(touchpoint.pk)
        path_name = touchpoint.stage.path.name
        if not paths or paths[-1].name != path_name:
            paths.append(PathChoices(name=path_name))
        stages = paths[-1].stages
        if not stages or stages[-1].name != touchpoint.stage.name:
            stages.append(StageChoices(name=touchpoint.stage.name))
        stages[-1].touchpoints.append(touchpoint)
    return paths


def audience_customers(*, audience: dict[str, Any]) -> QuerySet[Customer]:
    """Every customer the filters match, before consent and unsubscribes are applied."""
    customers = customer_list(
        user=None,
        search=audience.get("search") or "",
        segment_id=audience.get("segment"),
        persona_id=audience.get("persona"),
    )
    if audience.get("language") in CONTENT_LANGUAGES:
        customers = customers.filter(language=audience["language"])
    return customers


def invitation_channel_source(
    *, rules: SurveySettings, survey: Survey | None = None, send_out_channel: str = ""
) -> str:
    """Which choice decides: a send-out's own wins over the survey's, which wins over the company's default."""
    if send_out_channel:
        return ChannelSource.SEND_OUT
    if survey is not None and survey.channel:
        return ChannelSource.SURVEY
    return ChannelSource.COMPANY


def invitation_channel_choice(
    *, rules: SurveySettings, survey: Survey | None = None, send_out_channel: str = ""
) -> str:
    """The channel choice (InvitationChannel) invitations of `survey` follow, by a send-out whose own
    choice is `send_out_channel` (blank for an encounter's follow-up, or a send-out that did not choose)."""
    source = invitation_channel_source(rules=rules, survey=survey, send_out_channel=send_out_channel)
    if source == ChannelSource.SEND_OUT:
        return send_out_channel
    if source == ChannelSource.SURVEY:
        return survey.channel
    return rules.invitation_channel


def channel_reachable_q(choice: str) -> Q:
    """Customers an invitation can reach under a channel choice (an address for it; no STOP for text)."""
    by_email = ~Q(email="")
    by_sms = ~Q(phone_normalized="") & Q(sms_stopped=False)
    if choice == InvitationChannel.SMS:
        return by_sms
    if choice == InvitationChannel.EMAIL_ELSE_SMS:
        return by_email | by_sms
    return by_email


def channel_sms_q(choice: str) -> Q:
    """Of the reachable customers, those an invitation reaches by text message under `choice`."""
    if choice == InvitationChannel.SMS:
        return Q()
    if choice == InvitationChannel.EMAIL_ELSE_SMS:
        return Q(email="")
    return Q(pk__in=[])


@dataclass(frozen=True)
class AudienceSummary:
    matching: int
    no_email: int  # no address for the chosen channel (no email, no mobile number, or stopped text messages)
    unsubscribed: int
    no_consent: int
    recently_surveyed: int
    channel: str = InvitationChannel.EMAIL
    # Whose choice `channel` is (ChannelSource): the send-out's, the survey's or the company's.
    channel_source: str = ChannelSource.COMPANY
    # Text messages sent now, by the customer's language ({"fi": 120, ...}): the recently surveyed left out.
    texted_by_language: dict[str, int] = field(default_factory=dict)

    @property
    def excluded(self) -> int:
        return self.no_email + self.unsubscribed + self.no_consent

    @property
    def reachable(self) -> int:
        """Invited: an invitation is made for each, including those the frequency cap holds back."""
        return self.matching - self.excluded

    @property
    def emailed(self) -> int:
        """Invited and sent the survey now, by email or text (the recently surveyed get nothing this time)."""
        return self.reachable - self.recently_surveyed

    @property
    def texted(self) -> int:
        return sum(self.texted_by_language.values())

    @property
    def channel_label(self) -> str:
        return InvitationChannel(self.channel).label

    @property
    def channel_source_label(self) -> str:
        return ChannelSource(self.channel_source).label


def audience_summary(
    *,
    audience: dict[str, Any],
    rules: SurveySettings,
    now: dt.datetime | None = None,
    channel: str = "",
    survey: Survey | None = None,
) -> AudienceSummary:
    """How many customers the filters match, and why some of them will not get the survey.

    Each excluded customer is counted once, for the first reason that applies (the
    same order as when sending). Recently surveyed customers are invited but not
    sent to (the frequency cap), so they are counted among the reachable ones.
    `channel`: the send-out's choice; blank for the survey's (`survey`), else the company's.
    """
    now = now or timezone.now()
    channel_source = invitation_channel_source(rules=rules, survey=survey, send_out_channel=channel)
    channel = invitation_channel_choice(rules=rules, survey=survey, send_out_channel=channel)
    no_email = ~channel_reachable_q(channel)
    unsubscribed = ~no_email & Q(unsubscribed=True)
    no_consent = ~no_email & Q(unsubscribed=False, survey_consent=False)
    reachable = ~no_email & Q(unsubscribed=False, survey_consent=True)
    cap_start = now - dt.timedelta(days=rules.frequency_cap_days)
    recent = Invitation.objects.filter(customer=OuterRef("pk")).filter(
        Q(sent_at__gte=cap_start) | Q(status=InvitationStatus.SCHEDULED)
    )
    customers = audience_customers(audience=audience).order_by()
    # The aggregates' names must not be those of fields ("unsubscribed").
    counts = customers.aggregate(
        n_matching=Count("pk"),
        n_no_email=Count("pk", filter=no_email),
        n_unsubscribed=Count("pk", filter=unsubscribed),
        n_no_consent=Count("pk", filter=no_consent),
    )
    recently = 0
    sent_now = customers.filter(reachable)
    if rules.frequency_cap_days:
        recently = customers.filter(reachable).filter(pk__in=Subquery(recent.values("customer_id"))).count()
        sent_now = sent_now.exclude(pk__in=Subquery(recent.values("customer_id")))
    texted = {}
    if channel != InvitationChannel.EMAIL:
        rows = sent_now.filter(channel_sms_q(channel)).values("language").annotate(n=Count("pk")).order_by("language")
        texted = {row["language"]: row["n"] for row in rows}
    return AudienceSummary(
        recently_surveyed=recently,
        channel=channel,
        channel_source=channel_source,
        texted_by_language=texted,
        **{key[2:]: value for key, value in counts.items()},
    )


def _invitation_counts() -> dict[str, Any]:
    return {
        "invited": Count("invitations", distinct=True),
        "sent": Count(
            "invitations",
            filter=Q(invitations__status__in=[InvitationStatus.SENT, InvitationStatus.ANSWERED]),
            distinct=True,
        ),
        "answered": Count("invitations", filter=Q(invitations__status=InvitationStatus.ANSWERED), distinct=True),
        "not_sent": Count("invitations", filter=Q(invitations__status=InvitationStatus.SUPPRESSED), distinct=True),
        "failed": Count("invitations", filter=Q(invitations__status=InvitationStatus.FAILED), distinct=True),
    }


def campaign_list(*, survey_id: int | None = None) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("survey", "created_by").annotate(**_invitation_counts())
    if survey_id is not None:
        campaigns = campaigns.filter(survey_id=survey_id)
    return campaigns.order_by("-created_at")


def campaign_get(*, campaign_id: int) -> Campaign | None:
    return campaign_list().filter(pk=campaign_id).first()


# Not a stored status: a sent invitation whose link expired unanswered. The "sent" counts and
# filter mean the ones still awaiting an answer, so expired links are never counted as awaiting.
EXPIRED = "expired"


def _expired(now: dt.datetime) -> Q:
    return Q(status=InvitationStatus.SENT, expires_at__isnull=False, expires_at__lte=now)


def invitation_list(
    *,
    user: User,
    status: str = "",
    survey_id: int | None = None,
    customer_id: int | None = None,
    campaign_id: int | None = None,
    search: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Invitation]:
    """Invitations, newest first, each with when its first email is due, the last send error and
    whether its link expired unanswered. `status` is a stored status or EXPIRED; "sent" leaves the
    expired ones out."""
    now = now or timezone.now()
    initial = InvitationEmail.objects.filter(invitation=OuterRef("pk")).order_by("due_at", "id")
    failed = InvitationEmail.objects.filter(invitation=OuterRef("pk"), status=EmailStatus.FAILED).order_by("-id")
    retrying = InvitationEmail.objects.filter(
        invitation=OuterRef("pk"), status=EmailStatus.SENDING, outbound__attempts__gt=0
    ).order_by("-id")
    invitations = (
        scoped(Invitation.objects.select_related("survey", "customer", "touchpoint", "campaign"), user=user)
        .annotate(
            due_at=Subquery(initial.values("due_at")[:1]),
            error=Subquery(failed.values("last_error")[:1]),
            retry_error=Subquery(retrying.values("outbound__last_error")[:1]),
            is_expired=ExpressionWrapper(_expired(now), output_field=BooleanField()),
        )
        .order_by("-created_at", "-id")
    )
    if status == EXPIRED:
        invitations = invitations.filter(_expired(now))
    elif status == InvitationStatus.SENT:
        invitations = invitations.filter(status=status).exclude(_expired(now))
    elif status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    if survey_id is not None:
        invitations = invitations.filter(survey_id=survey_id)
    if customer_id is not None:
        invitations = invitations.filter(customer_id=customer_id)
    if campaign_id is not None:
        invitations = invitations.filter(campaign_id=campaign_id)
    if search.strip():
        term = search.strip()
        invitations = invitations.filter(Q(customer__full_name__icontains=term) | Q(customer__email__icontains=term))
    return invitations


def invitation_status_counts(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """Invitations `user` may see per status, in one query; "sent" counts those still awaiting an answer
    and EXPIRED those whose link expired unanswered."""
    now = now or timezone.now()
    rows = (
        scoped(Invitation.objects.order_by(), user=user)
        .values("status")
        .annotate(count=Count("pk"), expired=Count("pk", filter=_expired(now)))
    )
    counts = {status: 0 for status in [*InvitationStatus.values, EXPIRED]}
    for row in rows:
        counts[row["status"]] = row["count"] - row["expired"]
        counts[EXPIRED] += row["expired"]
    return counts


def response_list(
    *,
    user: User,
    survey_id: int | None = None,
    touchpoint_id: int | None = None,
    path_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Response]:
    answers = Prefetch(
        "answers",
        queryset=Answer.objects.select_related("question")
        .prefetch_related("choices__option")
        .order_by("question__position"),
    )
    responses = (
        scoped(Response.objects.select_related("survey", "customer", "touchpoint", "path"), user=user)
        .prefetch_related(answers)
        .order_by("-submitted_at", "-id")
    )
    if survey_id is not None:
        responses = responses.filter(survey_id=survey_id)
    if touchpoint_id is not None:
        responses = responses.filter(touchpoint_id=touchpoint_id)
    if path_id is not None:
        responses = responses.filter(path_id=path_id)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    return responses
