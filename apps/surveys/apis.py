"""The survey API for managers and integrations: definitions, rules, send-outs, invitations, responses."""

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityApiMixin
from apps.customers.models import Language
from apps.surveys.models import (
    Answer,
    AnswerChoice,
    Campaign,
    Invitation,
    InvitationChannel,
    InvitationStatus,
    Question,
    QuestionOption,
    QuestionType,
    ShowIfGroup,
    Survey,
    SurveySettings,
)
from apps.surveys.models import Response as SurveyResponse
from apps.surveys.selectors import (
    campaign_get,
    campaign_list,
    invitation_list,
    response_list,
    survey_get,
    survey_settings_get,
)
from apps.surveys.services import (
    MAX_REPEAT_MONTHS,
    OptionInput,
    QuestionInput,
    campaign_create,
    survey_create,
    survey_settings_update,
    survey_update,
)

# --- Surveys -----------------------------------------------------------------


class OptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionOption
        fields = ["id", "position", "label_fi", "label_sv", "label_en", "is_hidden"]


class QuestionOutputSerializer(serializers.ModelSerializer):
    options = OptionOutputSerializer(many=True, read_only=True)
    show_if_position = serializers.SerializerMethodField(
        help_text="A follow-up: the position of the earlier question it depends on; null: always shown."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "type",
            "text_fi",
            "text_sv",
            "text_en",
            "required",
            "options",
            "show_if_position",
            "show_if_group",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_show_if_position(self, question: Question) -> int | None:
        return question.show_if_question.position if question.show_if_question_id else None


class SurveyOutputSerializer(serializers.ModelSerializer):
    questions = QuestionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "name",
            "title_fi",
            "title_sv",
            "title_en",
            "intro_fi",
            "intro_sv",
            "intro_en",
            "thank_you_fi",
            "thank_you_sv",
            "thank_you_en",
            "is_active",
            "channel",
            "questions",
            "created_at",
            "updated_at",
        ]


class OptionInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text="An existing option; omit for a new one.")
    label_fi = serializers.CharField(max_length=200)
    label_sv = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    label_en = serializers.CharField(max_length=200)
    is_hidden = serializers.BooleanField(required=False, default=False)


class QuestionInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="An existing question to keep; omit for a new one."
    )
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text_fi = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    text_sv = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the standard wording for a standard question, else the company's language is shown.",
    )
    text_en = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    required = serializers.BooleanField(required=False, default=True)
    options = OptionInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Single and multiple choice only, in order, at least two shown. Keep an option's id to keep "
        "its answers; an option with answers cannot be left out, only hidden or renamed.",
    )
    show_if_position = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="A follow-up: the position (1 = first) in this list of an earlier NPS, CSAT, CES or yes/no "
        "question; shown only when its answer is in show_if_group.",
    )
    show_if_group = serializers.ChoiceField(choices=ShowIfGroup.choices, required=False, allow_blank=True, default="")


class SurveyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    title_fi = serializers.CharField(max_length=200)
    title_sv = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title_en = serializers.CharField(max_length=200)
    intro_fi = serializers.CharField(required=False, allow_blank=True, default="")
    intro_sv = serializers.CharField(required=False, allow_blank=True, default="")
    intro_en = serializers.CharField(required=False, allow_blank=True, default="")
    thank_you_fi = serializers.CharField(required=False, allow_blank=True, default="")
    thank_you_sv = serializers.CharField(required=False, allow_blank=True, default="")
    thank_you_en = serializers.CharField(required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)
    channel = serializers.ChoiceField(
        choices=InvitationChannel.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the survey's invitations go: email, sms or email_else_sms; empty: the company's choice "
        "(survey settings). A send-out's own choice wins over it.",
    )
    questions = QuestionInputSerializer(
        many=True, help_text="In order. Empty texts get the standard wording of the type."
    )


def _question_inputs(rows: list[dict[str, Any]]) -> list[QuestionInput]:
    return [
        QuestionInput(**{**row, "options": tuple(OptionInput(**option) for option in row.get("options", []))})
        for row in rows
    ]


def _survey_data(survey: Survey) -> dict[str, Any]:
    return SurveyOutputSerializer(survey_get(survey_id=survey.pk)).data


class SurveyListApi(CapabilityApiMixin, generics.ListAPIView):
    """List the surveys with their questions (filter `is_active`), or create one with its questions."""

    capability = staticmethod(can_manage_cx_model)
    queryset = Survey.objects.none()  # for the schema; get_queryset serves the requests
    serializer_class = SurveyOutputSerializer

    class FilterSerializer(serializers.Serializer):
        is_active = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_queryset(self) -> QuerySet[Survey]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        questions = Prefetch(
            "questions",
            queryset=Question.objects.order_by("position")
            .select_related("show_if_question")
            .prefetch_related("options"),
        )
        surveys = Survey.objects.prefetch_related(questions).order_by("name", "id")
        active = filters.validated_data.get("is_active")
        return surveys if active is None else surveys.filter(is_active=active)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SurveyInputSerializer, responses={201: SurveyOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = SurveyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        questions = _question_inputs(data.pop("questions"))
        survey = survey_create(questions=questions, company_name=connection.tenant.name, **data)
        return Response(_survey_data(survey), status=status.HTTP_201_CREATED)


class SurveyDetailApi(CapabilityApiMixin, APIView):
    """Read or change one survey. A PATCH with `questions` replaces the question list: list the
    questions to keep with their `id`, new ones without; a question with answers cannot be removed."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(responses={200: SurveyOutputSerializer})
    def get(self, request: Request, survey_id: int) -> Response:
        return Response(SurveyOutputSerializer(get_object_or_404(Survey, pk=survey_id)).data)

    @extend_schema(request=SurveyInputSerializer(partial=True), responses={200: SurveyOutputSerializer})
    def patch(self, request: Request, survey_id: int) -> Response:
        survey = get_object_or_404(Survey, pk=survey_id)
        serializer = SurveyInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        questions = _question_inputs(data.pop("questions")) if "questions" in data else None
        survey_update(survey=survey, questions=questions, company_name=connection.tenant.name, **data)
        return Response(_survey_data(survey))


# --- Settings ----------------------------------------------------------------


class SurveySettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveySettings
        exclude = ["id", "singleton"]


class SurveySettingsApi(CapabilityApiMixin, APIView):
    """The company's survey rules: delays, quiet hours, frequency cap, reminder, link validity,
    the answers that open a follow-up case, and the case's due time."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(responses={200: SurveySettingsSerializer})
    def get(self, request: Request) -> Response:
        return Response(SurveySettingsSerializer(survey_settings_get()).data)

    @extend_schema(request=SurveySettingsSerializer(partial=True), responses={200: SurveySettingsSerializer})
    def patch(self, request: Request) -> Response:
        serializer = SurveySettingsSerializer(survey_settings_get(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rules = survey_settings_update(acting_user=request.user, **serializer.validated_data)
        return Response(SurveySettingsSerializer(rules).data)


# --- Send-outs -----------------------------------------------------------------


class AudienceSerializer(serializers.Serializer):
    segment = serializers.IntegerField(required=False, allow_null=True)
    persona = serializers.IntegerField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CampaignOutputSerializer(serializers.ModelSerializer):
    audience = serializers.SerializerMethodField()
    invited = serializers.IntegerField(read_only=True)
    sent = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)
    not_sent = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "survey",
            "audience",
            "next_run_at",
            "last_run_at",
            "repeat_every_months",
            "channel",
            "is_active",
            "invited",
            "sent",
            "answered",
            "not_sent",
            "failed",
            "created_at",
        ]

    @extend_schema_field(AudienceSerializer)
    def get_audience(self, campaign: Campaign) -> dict[str, Any]:
        return campaign.audience or {}


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    survey = serializers.PrimaryKeyRelatedField(queryset=Survey.objects.all())
    audience = AudienceSerializer(required=False, default=dict)
    send_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Empty: now.")
    repeat_every_months = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_REPEAT_MONTHS,
        help_text="Empty: send once.",
    )
    channel = serializers.ChoiceField(
        choices=InvitationChannel.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="email, sms or email_else_sms; empty: the survey's choice, else the company's (survey settings), "
        "when it runs.",
    )


class CampaignListApi(CapabilityApiMixin, generics.ListAPIView):
    """Send-outs of a survey to a filtered customer list, with their invitation counts; or create one."""

    capability = staticmethod(can_manage_cx_model)
    queryset = Campaign.objects.none()  # for the schema; get_queryset serves the requests
    serializer_class = CampaignOutputSerializer

    class FilterSerializer(serializers.Serializer):
        survey = serializers.IntegerField(required=False)

    def get_queryset(self) -> QuerySet[Campaign]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return campaign_list(survey_id=filters.validated_data.get("survey"))

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = CampaignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = campaign_create(created_by=request.user, **serializer.validated_data)
        return Response(CampaignOutputSerializer(campaign_get(campaign_id=campaign.pk)).data, status=201)


# --- Invitations -----------------------------------------------------------------


class InvitationOutputSerializer(serializers.ModelSerializer):
    due_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When the first email is due.")
    error = serializers.SerializerMethodField(help_text="The last sending error, for failed or retried sends.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "survey",
            "customer",
            "encounter",
            "touchpoint",
            "campaign",
            "language",
            "channel",
            "status",
            "suppression_reason",
            "due_at",
            "sent_at",
            "expires_at",
            "answered_at",
            "error",
            "created_at",
        ]

    def get_error(self, invitation: Invitation) -> str:
        return getattr(invitation, "error", None) or getattr(invitation, "retry_error", None) or ""


class InvitationListApi(CapabilityApiMixin, generics.ListAPIView):
    """Invitations, newest first: scheduled, sent, answered, not sent (with the reason) or failed (with the error)."""

    capability = staticmethod(can_manage_cx_model)
    queryset = Invitation.objects.none()  # for the schema; get_queryset serves the requests
    serializer_class = InvitationOutputSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=InvitationStatus.choices, required=False)
        survey = serializers.IntegerField(required=False)
        customer = serializers.IntegerField(required=False)
        campaign = serializers.IntegerField(required=False)

    def get_queryset(self) -> QuerySet[Invitation]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return invitation_list(
            user=self.request.user,
            status=data.get("status", ""),
            survey_id=data.get("survey"),
            customer_id=data.get("customer"),
            campaign_id=data.get("campaign"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- Responses -----------------------------------------------------------------


class AnswerChoiceOutputSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="option.id", read_only=True)
    label_fi = serializers.CharField(source="option.label_fi", read_only=True)
    label_en = serializers.CharField(source="option.label_en", read_only=True)

    class Meta:
        model = AnswerChoice
        fields = ["id", "label_fi", "label_en"]


class AnswerOutputSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text_fi", read_only=True)
    choices = AnswerChoiceOutputSerializer(
        many=True, read_only=True, help_text="The options chosen (single and multiple choice); yes/no: score 1 or 0."
    )

    class Meta:
        model = Answer
        fields = ["question", "question_text", "type", "score", "text", "choices"]


class ResponseOutputSerializer(serializers.ModelSerializer):
    answers = AnswerOutputSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "invitation",
            "survey",
            "customer",
            "source",
            "encounter",
            "touchpoint",
            "path",
            "language",
            "submitted_at",
            "answers",
        ]


class ResponseListApi(CapabilityApiMixin, generics.ListAPIView):
    """Responses with their answers, newest first; cut by survey, touchpoint, path and period
    (`since` inclusive, `until` exclusive, dates or date-times)."""

    capability = staticmethod(can_manage_cx_model)
    queryset = SurveyResponse.objects.none()  # for the schema; get_queryset serves the requests
    serializer_class = ResponseOutputSerializer

    class FilterSerializer(serializers.Serializer):
        survey = serializers.IntegerField(required=False)
        touchpoint = serializers.IntegerField(required=False)
        path = serializers.IntegerField(required=False)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

        def to_internal_value(self, data: Any) -> dict[str, Any]:
            # A plain date means its midnight, in the company's time zone.
            data = data.copy()
            for key in ("since", "until"):
                value = data.get(key)
                if value and len(value) == 10:
                    data[key] = f"{value}T00:00"
            return super().to_internal_value(data)

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        filters = self.FilterSerializer(data=self.request.query_params)
        with timezone.override(ZoneInfo(getattr(connection.tenant, "time_zone", settings.TIME_ZONE))):
            filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return response_list(
            user=self.request.user,
            survey_id=data.get("survey"),
            touchpoint_id=data.get("touchpoint"),
            path_id=data.get("path"),
            since=data.get("since"),
            until=data.get("until"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
