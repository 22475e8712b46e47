"""The maturity API: each touchpoint's level with its reasons, the roll-ups and their trend."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_view_dashboards
from apps.core.access import CapabilityApiMixin
from apps.journeys.selectors import path_list
from apps.maturity.models import MaturitySnapshot
from apps.maturity.rules import Level, MaturityThresholds, Reason, Rollup
from apps.maturity.selectors import TouchpointMaturity, maturity_overview, maturity_trend
from apps.tenants.selectors import company_today

DEFAULT_TREND_DAYS = 365


def rollup_rule_text(*, share_percent: int, weighted_by: str) -> str:
    """The roll-up rule in words, as the dashboard states it next to a path's or the company's level."""
    if weighted_by == "touchpoints":
        return _(
            "The level that at least %(share)s %% of the touchpoints reach (a level counts the touchpoints at it or "
            "above); no encounters in the window, so every touchpoint weighs the same."
        ) % {"share": share_percent}
    return _(
        "The level that at least %(share)s %% of the encounter volume reaches (a level counts the encounters at "
        "touchpoints at it or above)."
    ) % {"share": share_percent}


def _as_of_default(value: dt.date | None) -> dt.date:
    return value or company_today()


def _not_in_future(value: dt.date) -> dt.date:
    if value > company_today():
        raise serializers.ValidationError(_("The day cannot be in the future."))
    return value


class ThresholdsSerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    min_answers = serializers.IntegerField()
    max_overdue_cases = serializers.IntegerField()
    rollup_share_percent = serializers.IntegerField()


def _thresholds_data(thresholds: MaturityThresholds) -> dict[str, int]:
    return {
        "window_days": thresholds.window_days,
        "min_answers": thresholds.min_answers,
        "max_overdue_cases": thresholds.max_overdue_cases,
        "rollup_share_percent": thresholds.rollup_share_percent,
    }


class SharesSerializer(serializers.Serializer):
    ad_hoc = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    designed = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    managed = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)


def _shares_data(shares: dict[Level, Decimal]) -> dict[str, Decimal]:
    return {
        "ad_hoc": shares.get(Level.AD_HOC, Decimal("0.0")),
        "designed": shares.get(Level.DESIGNED, Decimal("0.0")),
        "managed": shares.get(Level.MANAGED, Decimal("0.0")),
    }


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. no_owner, too_few_answers, cases_overdue, below_target.")
    message = serializers.CharField()
    hint = serializers.CharField(help_text="What would lift the touchpoint.")
    blocks = serializers.IntegerField(help_text="The level this keeps the touchpoint from: 2 designed, 3 managed.")


def _reason_data(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code, "message": reason.message, "hint": reason.hint, "blocks": int(reason.blocks)}


class EvidenceSerializer(serializers.Serializer):
    on_map = serializers.BooleanField()
    has_owner = serializers.BooleanField()
    has_intended_experience = serializers.BooleanField()
    answers_in_window = serializers.IntegerField()
    nps = serializers.IntegerField(allow_null=True)
    target_nps = serializers.IntegerField(allow_null=True)
    overdue_cases = serializers.IntegerField(
        help_text=(
            "Late cases opened in the window, resolved or not: the customer was not contacted (or the case "
            "resolved) by the due time."
        )
    )
    encounters = serializers.IntegerField(help_text="Encounters in the window (the roll-up weight).")


class TouchpointMaturitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    path = serializers.IntegerField()
    path_name = serializers.CharField()
    stage = serializers.IntegerField()
    stage_name = serializers.CharField()
    owner = serializers.IntegerField(allow_null=True)
    owner_name = serializers.CharField(allow_null=True)
    level = serializers.IntegerField(help_text="1 ad hoc, 2 designed, 3 managed.")
    level_label = serializers.CharField()
    reasons = ReasonSerializer(many=True, help_text="Everything that keeps it from a higher level; empty when managed.")
    evidence = EvidenceSerializer()


def _touchpoint_data(item: TouchpointMaturity) -> dict[str, Any]:
    touchpoint, evidence = item.touchpoint, item.evidence
    return {
        "id": touchpoint.pk,
        "name": touchpoint.name,
        "path": touchpoint.stage.path_id,
        "path_name": touchpoint.stage.path.name,
        "stage": touchpoint.stage_id,
        "stage_name": touchpoint.stage.name,
        "owner": touchpoint.owner_id,
        "owner_name": touchpoint.owner.get_full_name() if touchpoint.owner else None,
        "level": int(item.level),
        "level_label": str(item.level.label),
        "reasons": [_reason_data(reason) for reason in item.assessment.reasons],
        "evidence": {
            "on_map": evidence.on_map,
            "has_owner": evidence.has_owner,
            "has_intended_experience": evidence.has_intended_experience,
            "answers_in_window": evidence.answers_in_window,
            "nps": evidence.nps,
            "target_nps": evidence.target_nps,
            "overdue_cases": evidence.overdue_cases,
            "encounters": item.scores.encounters,
        },
    }


class TouchpointMaturityFilterSerializer(serializers.Serializer):
    path = serializers.IntegerField(required=False, min_value=1, help_text="Service path id.")
    as_of = serializers.DateField(
        required=False, validators=[_not_in_future], help_text="The window ends on this day. Default: today."
    )


class TouchpointMaturityOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    company_wide = serializers.BooleanField(
        help_text=(
            "Always true: the levels and their evidence (answers, NPS, encounters, late cases) count every "
            "location, also for a manager scoped to some locations, whose scores API figures are theirs only."
        )
    )
    thresholds = ThresholdsSerializer()
    touchpoints = TouchpointMaturitySerializer(many=True)


class TouchpointMaturityApi(CapabilityApiMixin, APIView):
    """Each touchpoint's maturity level, the evidence behind it and what would lift it, in map order."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(parameters=[TouchpointMaturityFilterSerializer], responses={200: TouchpointMaturityOutputSerializer})
    def get(self, request: Request) -> Response:
        params = TouchpointMaturityFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = _as_of_default(params.validated_data.get("as_of"))
        overview = maturity_overview(as_of=as_of, path_id=params.validated_data.get("path"))
        body = {
            "as_of": as_of,
            "company_wide": True,
            "thresholds": _thresholds_data(overview.thresholds),
            "touchpoints": [_touchpoint_data(item) for item in overview.touchpoints],
        }
        return Response(TouchpointMaturityOutputSerializer(body).data)


class RollupSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="1 ad hoc, 2 designed, 3 managed.")
    level_label = serializers.CharField()
    shares = SharesSerializer(help_text="Percent of the weight sitting at each level.")
    weighted_by = serializers.ChoiceField(choices=["encounters", "touchpoints"])
    rule = serializers.CharField(help_text="The roll-up rule in words.")


def _rollup_data(rollup: Rollup, *, share_percent: int) -> dict[str, Any]:
    return {
        "level": int(rollup.level),
        "level_label": str(rollup.level.label),
        "shares": _shares_data(rollup.shares),
        "weighted_by": rollup.weighted_by,
        "rule": rollup_rule_text(share_percent=share_percent, weighted_by=rollup.weighted_by),
    }


class PathRollupSerializer(RollupSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    touchpoints = serializers.IntegerField()


class MaturitySummaryFilterSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, validators=[_not_in_future], help_text="Default: today.")


class MaturitySummaryOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    company_wide = serializers.BooleanField(
        help_text=(
            "Always true: the levels and their evidence (answers, NPS, encounters, late cases) count every "
            "location, also for a manager scoped to some locations, whose scores API figures are theirs only."
        )
    )
    thresholds = ThresholdsSerializer()
    company = RollupSerializer()
    paths = PathRollupSerializer(many=True)


class MaturitySummaryApi(CapabilityApiMixin, APIView):
    """The company's level and distribution, and each path's, rolled up from the touchpoints."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(parameters=[MaturitySummaryFilterSerializer], responses={200: MaturitySummaryOutputSerializer})
    def get(self, request: Request) -> Response:
        params = MaturitySummaryFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = _as_of_default(params.validated_data.get("as_of"))
        overview = maturity_overview(as_of=as_of)
        share = overview.thresholds.rollup_share_percent
        names = {path.pk: path.name for path in path_list(include_archived=True)}
        paths = [
            {
                "id": path_id,
                "name": names.get(path_id, str(path_id)),
                "touchpoints": len(overview.of_path(path_id)),
                **_rollup_data(rollup, share_percent=share),
            }
            for path_id, rollup in sorted(overview.paths.items(), key=lambda item: names.get(item[0], ""))
        ]
        body = {
            "as_of": as_of,
            "company_wide": True,
            "thresholds": _thresholds_data(overview.thresholds),
            "company": _rollup_data(overview.company, share_percent=share),
            "paths": paths,
        }
        return Response(MaturitySummaryOutputSerializer(body).data)


class MaturityTrendFilterSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day. Default: a year ago.")
    path = serializers.IntegerField(required=False, min_value=1, help_text="A service path; default: the company.")


class SnapshotSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display")
    shares = serializers.SerializerMethodField()

    class Meta:
        model = MaturitySnapshot
        fields = ["taken_on", "level", "level_label", "shares", "weighted_by", "touchpoints", "encounters"]

    @extend_schema_field(SharesSerializer)
    def get_shares(self, snapshot: MaturitySnapshot) -> dict[str, Decimal]:
        return {
            "ad_hoc": snapshot.share_ad_hoc,
            "designed": snapshot.share_designed,
            "managed": snapshot.share_managed,
        }


class MaturityTrendOutputSerializer(serializers.Serializer):
    since = serializers.DateField()
    path = serializers.IntegerField(allow_null=True)
    snapshots = SnapshotSerializer(many=True, help_text="Daily snapshots, oldest first.")


class MaturityTrendApi(CapabilityApiMixin, APIView):
    """The stored daily snapshots of the company's (or one path's) level and distribution."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(parameters=[MaturityTrendFilterSerializer], responses={200: MaturityTrendOutputSerializer})
    def get(self, request: Request) -> Response:
        params = MaturityTrendFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        since = params.validated_data.get("since") or company_today() - dt.timedelta(days=DEFAULT_TREND_DAYS)
        path_id = params.validated_data.get("path")
        body = {"since": since, "path": path_id, "snapshots": maturity_trend(since=since, path_id=path_id)}
        return Response(MaturityTrendOutputSerializer(body).data)
