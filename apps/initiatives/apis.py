"""The initiatives API: list, add, read (with the measured effect), change and archive."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_initiatives
from apps.accounts.models import User
from apps.core.access import CapabilityApiMixin
from apps.initiatives.effect import Difference, Estimate
from apps.initiatives.models import WINDOW_DAYS_DEFAULT, WINDOW_DAYS_MAX, WINDOW_DAYS_MIN, Initiative
from apps.initiatives.presentation import effect_page
from apps.initiatives.selectors import (
    InitiativeEffect,
    initiative_effect,
    initiative_get,
    initiative_is_editable,
    initiative_verdicts,
    initiatives_visible,
)
from apps.initiatives.services import initiative_archive, initiative_create, initiative_update
from apps.tenants.selectors import company_today


class InitiativeOutputSerializer(serializers.ModelSerializer):
    touchpoints = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    locations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "touchpoints",
            "locations",
            "started_on",
            "window_days",
            "archived",
            "created_by",
            "created_at",
            "updated_at",
        ]


class InitiativeListItemSerializer(InitiativeOutputSerializer):
    verdict = serializers.CharField(allow_null=True, help_text="The NPS verdict on the caller's cut.")

    class Meta(InitiativeOutputSerializer.Meta):
        fields = [*InitiativeOutputSerializer.Meta.fields, "verdict"]


class InitiativeListOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = InitiativeListItemSerializer(many=True)


class InitiativeDetailOutputSerializer(InitiativeOutputSerializer):
    effect = serializers.DictField(help_text="The measured effect; see docs/initiatives.md.")

    class Meta(InitiativeOutputSerializer.Meta):
        fields = [*InitiativeOutputSerializer.Meta.fields, "effect"]


class InitiativeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    touchpoints = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    locations = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    started_on = serializers.DateField()
    window_days = serializers.IntegerField(
        min_value=WINDOW_DAYS_MIN, max_value=WINDOW_DAYS_MAX, required=False, default=WINDOW_DAYS_DEFAULT
    )


class ArchiveInputSerializer(serializers.Serializer):
    archived = serializers.BooleanField(required=False, default=True)


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {"n": estimate.n, "value": estimate.value, "margin": estimate.margin}


def _difference(difference: Difference) -> dict[str, Any]:
    return {
        "metric": str(difference.metric),
        "before": _estimate(difference.before),
        "after": _estimate(difference.after),
        "difference": difference.difference,
        "standard_error": difference.standard_error,
        "low": difference.low,
        "high": difference.high,
        "verdict": str(difference.verdict),
        "answers_needed_per_period": difference.answers_needed,
    }


def effect_data(effect: InitiativeEffect) -> dict[str, Any]:
    """The figures unrounded (the page rounds them), and the page's sentences."""
    page = effect_page(effect)
    season = effect.season
    return {
        "before": {"first_day": effect.before.first, "end_day": effect.before.end},
        "after": {"first_day": effect.after.first, "end_day": effect.after.end, "days": effect.after.days},
        "running": effect.running,
        "scoped": effect.scoped,
        "min_answers": effect.min_answers,
        "small_sample": effect.small,
        "verdict": str(effect.verdict),
        "metrics": [_difference(difference) for difference in effect.metrics_shown],
        "mix_shifts": [
            {
                "dimension": shift.dimension,
                "id": shift.key,
                "name": effect.mix_name(shift),
                "before_percent": shift.before_percent,
                "after_percent": shift.after_percent,
            }
            for shift in effect.mix
        ],
        "season": {
            "before": season.before_season,
            "after": season.after_season,
            "differs": season.differs,
            "year_earlier": _difference(season.year_earlier) if season.year_earlier else None,
        },
        "text": {
            "verdict": page["sentence"],
            "progress": page["progress"],
            "warnings": page["small_sample_warnings"]
            + page["mix_warnings"]
            + [page["season_warning"]] * bool(page["season_warning"]),
        },
    }


def _visible_or_404(request: Request, initiative_id: int) -> Initiative:
    initiative = initiative_get(user=request.user, initiative_id=initiative_id)
    if initiative is None:
        raise Http404
    return initiative


def _editable_or_404(request: Request, initiative_id: int) -> Initiative:
    initiative = _visible_or_404(request, initiative_id)
    if not initiative_is_editable(user=request.user, initiative=initiative):
        raise Http404
    return initiative


class InitiativeListApi(CapabilityApiMixin, APIView):
    """The initiatives the caller may see (`include_archived` for all) with their NPS verdicts, or add one."""

    capability = staticmethod(can_manage_initiatives)

    class FilterSerializer(serializers.Serializer):
        include_archived = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="initiatives_list", parameters=[FilterSerializer], responses={200: InitiativeListOutputSerializer}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        initiatives = list(
            initiatives_visible(user=request.user, include_archived=filters.validated_data["include_archived"])
        )
        verdicts = initiative_verdicts(
            user=request.user, today=company_today(), initiative_ids=[initiative.pk for initiative in initiatives]
        )
        results = []
        for initiative in initiatives:
            data = dict(InitiativeOutputSerializer(initiative).data)
            verdict = verdicts.get(initiative.pk)
            data["verdict"] = str(verdict.nps.verdict) if verdict else None
            results.append(data)
        return Response({"count": len(results), "results": results})

    @extend_schema(request=InitiativeInputSerializer, responses={201: InitiativeOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = InitiativeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        initiative = initiative_create(acting_user=request.user, **serializer.validated_data)
        return Response(InitiativeOutputSerializer(initiative).data, status=status.HTTP_201_CREATED)


class InitiativeDetailApi(CapabilityApiMixin, APIView):
    """One initiative with its measured effect (`effect`), or a change to it (PATCH)."""

    capability = staticmethod(can_manage_initiatives)

    @extend_schema(responses={200: InitiativeDetailOutputSerializer})
    def get(self, request: Request, initiative_id: int) -> Response:
        initiative = _visible_or_404(request, initiative_id)
        effect = initiative_effect(initiative=initiative, user=request.user, today=company_today())
        data = dict(InitiativeOutputSerializer(initiative).data)
        data["effect"] = effect_data(effect)
        return Response(data)

    @extend_schema(request=InitiativeInputSerializer, responses={200: InitiativeOutputSerializer})
    def patch(self, request: Request, initiative_id: int) -> Response:
        initiative = _editable_or_404(request, initiative_id)
        serializer = InitiativeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        initiative = initiative_update(acting_user=request.user, initiative=initiative, **serializer.validated_data)
        return Response(InitiativeOutputSerializer(initiative).data)


class InitiativeArchiveApi(CapabilityApiMixin, APIView):
    """Archive an initiative (`archived`: false restores it)."""

    capability = staticmethod(can_manage_initiatives)

    @extend_schema(request=ArchiveInputSerializer, responses={200: InitiativeOutputSerializer})
    def post(self, request: Request, initiative_id: int) -> Response:
        initiative = _editable_or_404(request, initiative_id)
        serializer = ArchiveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        initiative = initiative_archive(
            acting_user=request.user, initiative=initiative, archived=serializer.validated_data["archived"]
        )
        return Response(InitiativeOutputSerializer(initiative).data)
