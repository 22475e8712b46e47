"""The themes API: the themes (CRUD), their weekly figures and the suggested words (docs/themes.md).
`can_manage_themes` (admins and managers); figures and suggestions within the caller's location scope."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_themes
from apps.core.access import CapabilityApiMixin
from apps.core.exceptions import DomainError
from apps.themes.forms import PERIOD_DAYS, PeriodForm, ThemeForm
from apps.themes.models import TERM_MAX_LENGTH, TERMS_MAX, Theme
from apps.themes.selectors import theme_get, theme_list, theme_suggestions, theme_weeks
from apps.themes.services import theme_create, theme_delete, theme_update


class ThemeOutputSerializer(serializers.ModelSerializer):
    retagging = serializers.BooleanField(source="is_retagging")

    class Meta:
        model = Theme
        fields = [
            "id",
            "name",
            "name_fi",
            "name_sv",
            "name_en",
            "terms",
            "is_active",
            "retagging",
            "run_done",
            "run_total",
        ]


class ThemeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    name_fi = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    name_sv = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    name_en = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    terms = serializers.ListField(
        child=serializers.CharField(max_length=TERM_MAX_LENGTH), min_length=1, max_length=TERMS_MAX
    )
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_terms(self, terms: list[str]) -> list[str]:
        form = ThemeForm(data={"name": "-", "terms": "\n".join(terms)})
        form.is_valid()
        if "terms" in form.errors:
            raise serializers.ValidationError(form.errors["terms"])
        return form.cleaned_data["terms"]


def _raise_domain(error: DomainError) -> None:
    raise serializers.ValidationError(error.fields or {"non_field_errors": [error.message]})


def _theme_or_404(theme_id: int) -> Theme:
    theme = theme_get(theme_id=theme_id)
    if theme is None:
        raise Http404
    return theme


class PeriodSerializer(serializers.Serializer):
    days = serializers.ChoiceField(
        choices=PERIOD_DAYS, required=False, default=90, help_text="Last 30, 90 or 365 days."
    )
    language = serializers.ChoiceField(choices=["", "fi", "sv", "en"], required=False, default="")


def _period(request: Request) -> tuple[Any, Any, str]:
    serializer = PeriodSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    form = PeriodForm(data={"days": serializer.validated_data["days"]})
    since, until = form.period()
    return since, until, serializer.validated_data["language"]


class ThemeListApi(CapabilityApiMixin, APIView):
    """The themes, or define one (its comments are tagged in the background: `retagging` until done)."""

    capability = staticmethod(can_manage_themes)

    @extend_schema(responses={200: ThemeOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ThemeOutputSerializer(theme_list(), many=True).data)

    @extend_schema(request=ThemeInputSerializer, responses={201: ThemeOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ThemeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            theme = theme_create(**serializer.validated_data)
        except DomainError as error:
            _raise_domain(error)
        return Response(ThemeOutputSerializer(theme).data, status=status.HTTP_201_CREATED)


class ThemeDetailApi(CapabilityApiMixin, APIView):
    """One theme; PATCH changes it (new words retag its comments), DELETE deletes it and its tags."""

    capability = staticmethod(can_manage_themes)

    @extend_schema(responses={200: ThemeOutputSerializer})
    def get(self, request: Request, theme_id: int) -> Response:
        return Response(ThemeOutputSerializer(_theme_or_404(theme_id)).data)

    @extend_schema(request=ThemeInputSerializer(partial=True), responses={200: ThemeOutputSerializer})
    def patch(self, request: Request, theme_id: int) -> Response:
        theme = _theme_or_404(theme_id)
        serializer = ThemeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            theme = theme_update(theme=theme, **serializer.validated_data)
        except DomainError as error:
            _raise_domain(error)
        return Response(ThemeOutputSerializer(theme).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, theme_id: int) -> Response:
        theme_delete(theme=_theme_or_404(theme_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(source="start")
    responses = serializers.IntegerField(help_text="Answers with a comment of the theme.")
    nps_answers = serializers.IntegerField()
    promoters = serializers.IntegerField()
    detractors = serializers.IntegerField()
    nps = serializers.IntegerField(allow_null=True)
    small_sample = serializers.BooleanField()


class ThemeFiguresApi(CapabilityApiMixin, APIView):
    """A theme's volume and NPS by week (Mondays, the company's time zone) over the period."""

    capability = staticmethod(can_manage_themes)

    @extend_schema(parameters=[PeriodSerializer], responses={200: WeekSerializer(many=True)})
    def get(self, request: Request, theme_id: int) -> Response:
        theme = _theme_or_404(theme_id)
        since, until, _language = _period(request)
        weeks = theme_weeks(theme=theme, user=request.user, since=since, until=until)
        return Response({"theme": theme.pk, "weeks": WeekSerializer(weeks, many=True).data})


def _word(suggestion: Any) -> dict[str, Any]:
    score = suggestion.score
    return {
        "word": " ".join(suggestion.lexemes),
        "kind": "phrase" if suggestion.is_phrase else "word",
        "display": suggestion.display,
        "language": suggestion.language,
        "z": round(score.z, 4),
        "delta": round(score.delta, 6),
        "detractors": score.group_i,
        "promoters": score.group_j,
        "all": score.prior,
    }


class ThemeSuggestionsApi(CapabilityApiMixin, APIView):
    """The words and two-word phrases that most set detractors apart from promoters and the other way
    round (weighted log-odds with an informative Dirichlet prior; z, and the counts). `word` is the
    stems (a phrase's two, space-separated), `display` the form customers wrote most often: a theme term
    made of it finds the same comments."""

    capability = staticmethod(can_manage_themes)

    @extend_schema(parameters=[PeriodSerializer], responses={200: dict})
    def get(self, request: Request) -> Response:
        since, until, language = _period(request)
        result = theme_suggestions(user=request.user, since=since, until=until, language=language)
        return Response(
            {
                "enough": result.enough,
                "detractor_comments": result.detractor_comments,
                "promoter_comments": result.promoter_comments,
                "detractors": [_word(score) for score in result.detractor_words],
                "promoters": [_word(score) for score in result.promoter_words],
            }
        )
