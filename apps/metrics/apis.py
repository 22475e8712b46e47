"""The scores API: the dashboard's numbers for integrations and reports, read from the roll-ups."""

import datetime as dt
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_company_settings, can_view_dashboards
from apps.accounts.scope import user_location_scope
from apps.accounts.selectors import team_list, user_list
from apps.core.access import CapabilityApiMixin
from apps.core.db_routing import replica_reads
from apps.customers.selectors import segment_list
from apps.journeys.selectors import touchpoint_list
from apps.locations.selectors import location_get, location_list, region_get, region_paths
from apps.metrics.formulas import (
    CES_EASY_MIN,
    CSAT_SATISFIED_MIN,
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    NPS_SMALL_SAMPLE,
    Scores,
)
from apps.metrics.key_driver_stats import DriverRow
from apps.metrics.key_drivers import key_drivers_for
from apps.metrics.selectors import (
    DIMENSIONS,
    INTERVALS,
    SCOPED_AUDIENCE_REFUSED,
    MetricFilter,
    filter_location_ids,
    metric_filter_for,
    scores_by,
    scores_series,
    scores_total,
)
from apps.metrics.services import metrics_recompute_request
from apps.personas.selectors import persona_list
from apps.surveys.distributions import QuestionDistribution, touchpoint_choice_distributions
from apps.tenants.selectors import company_day_start, company_today

DEFAULT_PERIOD_DAYS = 90
# A day-by-day series per employee over decades would be a denial of service, not a report.
MAX_PERIOD_DAYS = 3 * 366


def _period_validated(attrs: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The filter's period with its defaults (the last 90 days), or a field error."""
    end = attrs.get("end") or company_today()
    start = attrs.get("start") or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if end < start:
        raise serializers.ValidationError({"end": [_("The period ends before it starts.")]})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        message = _("The period can be at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
        raise serializers.ValidationError({"start": [message]})
    return start, end


def _place_validated(attrs: dict[str, Any]) -> None:
    """A location or a region, not both, and one that exists; else a field error."""
    if attrs.get("location") and attrs.get("region"):
        raise serializers.ValidationError({"region": [_("Choose a location or a region, not both.")]})
    if attrs.get("location") and location_get(location_id=attrs["location"]) is None:
        raise serializers.ValidationError({"location": [_("No such location.")]})
    if attrs.get("region") and region_get(region_id=attrs["region"]) is None:
        raise serializers.ValidationError({"region": [_("No such region.")]})


def _metric_filter_from(*, user: Any, data: dict[str, Any]) -> MetricFilter:
    """The viewer's filter for validated filter parameters (a scoped manager's stay within their locations)."""
    return metric_filter_for(
        user=user,
        start=data["start"],
        end=data["end"],
        path_id=data.get("path"),
        stage_id=data.get("stage"),
        touchpoint_id=data.get("touchpoint"),
        persona_id=data.get("persona"),
        segment_id=data.get("segment"),
        location_id=data.get("location"),
        region_id=data.get("region"),
    )


class ScoresFilterSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (company time). Default: 90 days before end.")
    end = serializers.DateField(required=False, help_text="Last day, included (company time). Default: today.")
    path = serializers.IntegerField(required=False, min_value=1, help_text="Service path id.")
    stage = serializers.IntegerField(required=False, min_value=1, help_text="Stage id.")
    touchpoint = serializers.IntegerField(required=False, min_value=1, help_text="Touchpoint id.")
    persona = serializers.IntegerField(required=False, min_value=1, help_text="Buyer persona id.")
    segment = serializers.IntegerField(required=False, min_value=1, help_text="Customer segment id.")
    location = serializers.IntegerField(
        required=False, min_value=1, help_text="Location id: answers to encounters at that location."
    )
    region = serializers.IntegerField(
        required=False, min_value=1, help_text="Region id: answers at any location in it or in a region below it."
    )
    group_by = serializers.ChoiceField(
        choices=DIMENSIONS, required=False, help_text="One row per touchpoint, stage, path, ... with data."
    )
    interval = serializers.ChoiceField(
        choices=INTERVALS, required=False, help_text="One row per day, ISO week (from Monday) or month."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = _period_validated(attrs)
        audience = attrs.get("persona") or attrs.get("segment") or attrs.get("group_by") in ("persona", "segment")
        request = self.context.get("request")
        if audience and request is not None and user_location_scope(request.user) is not None:
            # A scoped manager's figures are read per location, which keeps no persona or segment.
            field = "persona" if attrs.get("persona") else "segment" if attrs.get("segment") else "group_by"
            raise serializers.ValidationError({field: [str(SCOPED_AUDIENCE_REFUSED)]})
        if audience and attrs.get("group_by") in ("employee", "team"):
            message = _("Scores per employee or team cannot be narrowed by persona or segment.")
            raise serializers.ValidationError({"group_by": [message]})
        located = attrs.get("location") or attrs.get("region") or attrs.get("group_by") in ("location", "region")
        if audience and located:
            message = _("Scores by location or region cannot be narrowed or cut by persona or segment.")
            field = "persona" if attrs.get("persona") else "segment" if attrs.get("segment") else "group_by"
            raise serializers.ValidationError({field: [message]})
        _place_validated(attrs)
        return {**attrs, "start": start, "end": end}


class ScoresSerializer(serializers.Serializer):
    """The counts of a period and the scores computed from them (null when there is nothing to score)."""

    encounters = serializers.IntegerField()
    encounters_raised = serializers.IntegerField(help_text="Encounters whose note was raised to management.")
    invitations_delivered = serializers.IntegerField()
    invitations_answered = serializers.IntegerField()
    responses = serializers.IntegerField()
    nps_n = serializers.IntegerField(help_text="NPS answers.")
    nps_promoters = serializers.IntegerField(help_text=f"NPS answers of {NPS_PROMOTER_MIN} or more.")
    nps_detractors = serializers.IntegerField(help_text=f"NPS answers of {NPS_DETRACTOR_MAX} or less.")
    csat_n = serializers.IntegerField(help_text="CSAT answers.")
    csat_satisfied = serializers.IntegerField(help_text=f"CSAT answers of {CSAT_SATISFIED_MIN} or more.")
    ces_n = serializers.IntegerField(help_text="CES answers.")
    ces_easy = serializers.IntegerField(help_text=f"CES answers of {CES_EASY_MIN} or more.")
    nps = serializers.IntegerField(allow_null=True, help_text="% promoters - % detractors, -100..100.")
    nps_margin = serializers.FloatField(allow_null=True, help_text="95 % margin of the NPS, in points.")
    nps_small_sample = serializers.BooleanField(
        help_text=f"Fewer than {NPS_SMALL_SAMPLE} NPS answers: read the NPS with care."
    )
    csat = serializers.FloatField(
        allow_null=True, help_text=f"Share of CSAT answers of {CSAT_SATISFIED_MIN} or more, percent."
    )
    ces = serializers.FloatField(allow_null=True, help_text="Mean effort score, 1..7.")
    ces_easy_percent = serializers.FloatField(
        allow_null=True, help_text=f"Share of CES answers of {CES_EASY_MIN} or more, percent."
    )
    response_rate = serializers.FloatField(allow_null=True, help_text="Answered / delivered invitations, percent.")


class ScoresRowSerializer(ScoresSerializer):
    key = serializers.IntegerField(
        allow_null=True, help_text="Id of the touchpoint, stage, ... (group_by); null: not tied to one."
    )
    name = serializers.CharField(allow_null=True, help_text="Its name (group_by).")
    period_start = serializers.DateField(allow_null=True, help_text="First day of the period (interval).")


class ChoiceOptionSerializer(serializers.Serializer):
    option = serializers.IntegerField(allow_null=True, help_text="Option id; null: the yes or the no of a yes/no.")
    label = serializers.CharField(help_text="In the request's language.")
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Percent of those who answered the question.")
    hidden = serializers.BooleanField(help_text="An option no longer offered (listed only when it was chosen).")


class ChoiceQuestionSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="Question id.")
    survey = serializers.IntegerField(help_text="Survey id.")
    position = serializers.IntegerField()
    type = serializers.CharField(help_text="yesno, single or multi.")
    text = serializers.CharField(help_text="In the request's language.")
    answers = serializers.IntegerField(help_text="Customers who answered the question.")
    yes_share = serializers.FloatField(allow_null=True, help_text="Yes/no: percent of yes.")
    yes_interval = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Yes/no: the 95 % interval of the yes share, [low, high] in percent (Wilson).",
    )
    options = ChoiceOptionSerializer(many=True)


class ScoresOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    group_by = serializers.CharField(allow_null=True)
    interval = serializers.CharField(allow_null=True)
    total = ScoresSerializer()
    rows = ScoresRowSerializer(
        many=True,
        help_text="Per key (group_by), per period (interval), or per key per period (both); empty without either.",
    )
    choice_answers = ChoiceQuestionSerializer(
        many=True,
        allow_null=True,
        help_text=(
            "With `touchpoint`: its choice and yes/no questions answered in the view (invited answers, not part "
            "of NPS, CSAT or CES); null without `touchpoint` or when the touchpoint has never had such answers."
        ),
    )


def _scores_data(scores: Scores) -> dict[str, Any]:
    return {name: getattr(scores, name) for name in ScoresSerializer._declared_fields}


def _choice_data(items: list[QuestionDistribution] | None) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [
        {
            "question": item.question.pk,
            "survey": item.question.survey_id,
            "position": item.question.position,
            "type": item.question.type,
            "text": item.text,
            "answers": item.answers,
            "yes_share": item.yes_share,
            "yes_interval": list(item.yes_interval) if item.yes_interval else None,
            "options": [
                {
                    "option": row.option_id,
                    "label": row.label,
                    "count": row.count,
                    "share": row.share,
                    "hidden": row.hidden,
                }
                for row in item.rows
            ],
        }
        for item in items
    ]


def _dimension_names(dimension: str) -> dict[int | None, str]:
    """{key: display name} of a dimension's members, archived paths included (old answers still count)."""
    if dimension in ("touchpoint", "stage", "path"):
        names: dict[int | None, str] = {}
        for touchpoint in touchpoint_list(include_archived=True):
            stage = touchpoint.stage
            if dimension == "touchpoint":
                names[touchpoint.pk] = touchpoint.name
            elif dimension == "stage":
                names[stage.pk] = stage.name
            else:
                names[stage.path_id] = stage.path.name
        return names
    if dimension == "persona":
        return {persona.pk: persona.name for persona in persona_list(include_archived=True)}
    if dimension == "segment":
        return {segment.pk: segment.name for segment in segment_list()}
    if dimension == "team":
        return {team.pk: team.name for team in team_list()}
    if dimension == "location":
        return {location.pk: location.name for location in location_list(include_archived=True)}
    if dimension == "region":
        return region_paths()
    return {user.pk: user.get_full_name() for user in user_list()}


def _unnamed(dimension: str) -> str:
    return {
        "touchpoint": _("No touchpoint"),
        "stage": _("No touchpoint"),
        "path": _("No touchpoint"),
        "persona": _("No persona"),
        "segment": _("No segment"),
        "employee": _("Not logged by staff"),
        "team": _("No team"),
        "location": _("No location"),
        "region": _("No region"),
    }[dimension]


class ScoresApi(CapabilityApiMixin, APIView):
    """NPS, CSAT, CES, response rate and volumes for a period, optionally per dimension and per period.

    For a manager scoped to some locations every figure counts only the answers and encounters there: a
    location or region outside the scope gives zeros, and a persona or segment is refused (400)."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(parameters=[ScoresFilterSerializer], responses={200: ScoresOutputSerializer})
    @replica_reads()
    def get(self, request: Request) -> Response:
        params = ScoresFilterSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        # A scoped manager's figures stay within their locations, whatever the location or region asked for.
        filters = _metric_filter_from(user=request.user, data=data)
        group_by, interval = data.get("group_by"), data.get("interval")
        names = _dimension_names(group_by) if group_by else {}

        def label(key: int | None) -> str | None:
            if not group_by:
                return None
            return names.get(key, _unnamed(group_by) if key is None else str(key))

        rows: list[dict[str, Any]] = []
        if interval:
            for point in scores_series(filters=filters, interval=interval, dimension=group_by):
                key = point.key if group_by else None
                rows.append(
                    {"key": key, "name": label(key), "period_start": point.period_start, **_scores_data(point.scores)}
                )
        elif group_by:
            by_key = scores_by(filters=filters, dimension=group_by)
            for key, scores in sorted(by_key.items(), key=lambda item: (item[0] is None, label(item[0]) or "")):
                rows.append({"key": key, "name": label(key), "period_start": None, **_scores_data(scores)})
        body = {
            "start": filters.start,
            "end": filters.end,
            "group_by": group_by,
            "interval": interval,
            "total": _scores_data(scores_total(filters=filters)),
            "rows": rows,
            "choice_answers": None,
        }
        if filters.touchpoint_id is not None:
            body["choice_answers"] = _choice_data(
                touchpoint_choice_distributions(
                    touchpoint_id=filters.touchpoint_id,
                    since=company_day_start(filters.start),
                    until=company_day_start(filters.end + dt.timedelta(days=1)),
                    language=get_language() or "fi",
                    location_ids=filter_location_ids(filters),
                    persona_id=filters.persona_id,
                    segment_id=filters.segment_id,
                )
            )
        return Response(ScoresOutputSerializer(body).data)


class RecomputeOutputSerializer(serializers.Serializer):
    message = serializers.CharField()


class MetricsRecomputeApi(CapabilityApiMixin, APIView):
    """Queue a full recompute of the company's roll-ups from the raw answers (company admins)."""

    capability = staticmethod(can_manage_company_settings)

    @extend_schema(request=None, responses={202: OpenApiResponse(RecomputeOutputSerializer, description="Queued.")})
    def post(self, request: Request) -> Response:
        metrics_recompute_request(trigger="api")
        return Response(
            {"message": _("The scores are being recomputed; this can take a few minutes.")},
            status=status.HTTP_202_ACCEPTED,
        )


class KeyDriversFilterSerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="First day of the relationship answers (company time). Default: 90 days before end."
    )
    end = serializers.DateField(required=False, help_text="Last day, included (company time). Default: today.")
    path = serializers.IntegerField(required=False, min_value=1, help_text="Service path id: its touchpoints only.")
    persona = serializers.IntegerField(required=False, min_value=1, help_text="Buyer persona id: its customers only.")
    segment = serializers.IntegerField(required=False, min_value=1, help_text="Segment id: its customers only.")
    location = serializers.IntegerField(
        required=False, min_value=1, help_text="Location id: only the experiences of encounters at that location."
    )
    region = serializers.IntegerField(
        required=False, min_value=1, help_text="Region id: only the experiences at locations in it or below it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = _period_validated(attrs)
        _place_validated(attrs)
        return {**attrs, "start": start, "end": end}


class KeyDriverRowSerializer(serializers.Serializer):
    touchpoint = serializers.IntegerField(help_text="Touchpoint id.")
    name = serializers.CharField()
    path = serializers.CharField(allow_null=True, help_text="Its service path's name.")
    customers = serializers.IntegerField(help_text="Customers with both a relationship NPS and an experience here.")
    r = serializers.FloatField(
        allow_null=True, help_text="Spearman rank correlation, -1..1; null: too few customers or no spread."
    )
    low = serializers.FloatField(allow_null=True, help_text="95 % interval of r, lower end (Fisher z, Bonett-Wright).")
    high = serializers.FloatField(allow_null=True, help_text="95 % interval of r, upper end.")
    rank = serializers.IntegerField(allow_null=True, help_text="Place by r among the ranked rows.")
    best_rank = serializers.IntegerField(allow_null=True, help_text="Best place the intervals allow.")
    worst_rank = serializers.IntegerField(allow_null=True, help_text="Worst place the intervals allow.")
    performance = serializers.FloatField(help_text="Mean experience here of these customers, 0..100.")
    clear_link = serializers.BooleanField(help_text="The interval lies above 0.")
    fix_first = serializers.BooleanField(help_text="A clear, stronger than average link and a below-average score.")


class KeyDriversOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    lookback_days = serializers.IntegerField(help_text="Touchpoint answers of this many days before each answer.")
    min_customers = serializers.IntegerField(help_text="Rows with fewer customers are listed apart, not ranked.")
    respondents = serializers.IntegerField(
        help_text="Customers with a relationship NPS answer in the period (a location cut: those met there)."
    )
    relationship_nps = serializers.IntegerField(allow_null=True, help_text="NPS of their latest answers.")
    relationship_nps_margin = serializers.FloatField(allow_null=True, help_text="95 % margin, in points.")
    linked_customers = serializers.IntegerField(help_text="Of them, customers with touchpoint answers in the window.")
    ranked = KeyDriverRowSerializer(many=True, help_text="Strongest link first.")
    too_few = KeyDriverRowSerializer(many=True, help_text="Too few customers (or no spread) to rank.")


def _driver_data(row: DriverRow[int], paths: dict[int, str]) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return round(value, 3) if value is not None else None

    return {
        "touchpoint": row.key,
        "name": row.name,
        "path": paths.get(row.key),
        "customers": row.customers,
        "r": rounded(row.r),
        "low": rounded(row.low),
        "high": rounded(row.high),
        "rank": row.place,
        "best_rank": row.best_rank,
        "worst_rank": row.worst_rank,
        "performance": round(row.performance, 1),
        "clear_link": row.clear_link,
        "fix_first": row.fix_first,
    }


class KeyDriversApi(CapabilityApiMixin, APIView):
    """Which touchpoints' experience goes with the relationship NPS most: Spearman correlation per touchpoint,
    its 95 % interval and rank range (docs/key-drivers.md). An association, not proof of cause.

    For a manager scoped to some locations only the experiences at their locations count."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(parameters=[KeyDriversFilterSerializer], responses={200: KeyDriversOutputSerializer})
    @replica_reads()
    def get(self, request: Request) -> Response:
        params = KeyDriversFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = _metric_filter_from(user=request.user, data=data)
        drivers = key_drivers_for(filters=filters)
        body = {
            "start": drivers.start,
            "end": drivers.end,
            "lookback_days": drivers.lookback_days,
            "min_customers": drivers.min_customers,
            "respondents": drivers.respondents,
            "relationship_nps": drivers.nps,
            "relationship_nps_margin": drivers.nps_margin,
            "linked_customers": drivers.linked,
            "ranked": [_driver_data(row, drivers.paths) for row in drivers.table.ranked],
            "too_few": [_driver_data(row, drivers.paths) for row in drivers.table.apart],
        }
        return Response(KeyDriversOutputSerializer(body).data)
