"""The encounter API, e.g. for a till or a booking system. Frontline users see only their own encounters."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_log_encounters
from apps.core.access import CapabilityApiMixin
from apps.core.exceptions import DomainError
from apps.core.json_values import datetime_text
from apps.core.pagination import StandardPagination
from apps.customers.models import Language
from apps.encounters.models import FEELING_MAX, FEELING_MIN, Encounter, EncounterSource, Outcome
from apps.encounters.selectors import encounter_get, encounter_list, encounter_list_rows
from apps.encounters.services import CustomerRef, encounter_log_for
from apps.journeys.selectors import touchpoint_list
from apps.locations.selectors import location_list


class EncounterOutputSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.__str__", read_only=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    path = serializers.IntegerField(source="touchpoint.stage.path_id", read_only=True)
    location_name = serializers.CharField(source="location.name", read_only=True, allow_null=True, default=None)
    logged_by = serializers.IntegerField(source="logged_by_id", allow_null=True, read_only=True)

    class Meta:
        model = Encounter
        fields = [
            "id",
            "customer",
            "customer_name",
            "touchpoint",
            "touchpoint_name",
            "path",
            "location",
            "location_name",
            "logged_by",
            "occurred_at",
            "outcome",
            "peak_feeling",
            "end_feeling",
            "note",
            "raised_to_management",
            "survey_agreed",
            "source",
            "external_id",
            "created_at",
        ]


def encounter_list_output(row: dict[str, Any]) -> dict[str, Any]:
    """EncounterOutputSerializer's output from a row of `encounter_list_rows`, without a model instance
    or a field object per value (tests/encounters/test_apis.py holds the two equal)."""
    return {
        "id": row["id"],
        "customer": row["customer_id"],
        # Customer.__str__
        "customer_name": row["customer__full_name"]
        or row["customer__email"]
        or row["customer__phone"]
        or f"#{row['customer_id']}",
        "touchpoint": row["touchpoint_id"],
        "touchpoint_name": row["touchpoint__name"],
        "path": row["touchpoint__stage__path_id"],
        "location": row["location_id"],
        "location_name": row["location__name"],
        "logged_by": row["logged_by_id"],
        "occurred_at": datetime_text(row["occurred_at"]),
        "outcome": row["outcome"],
        "peak_feeling": row["peak_feeling"],
        "end_feeling": row["end_feeling"],
        "note": row["note"],
        "raised_to_management": row["raised_to_management"],
        "survey_agreed": row["survey_agreed"],
        "source": row["source"],
        "external_id": row["external_id"],
        "created_at": datetime_text(row["created_at"]),
    }


class EncounterInputSerializer(serializers.Serializer):
    """Give `customer` (an id), or identify the customer by `customer_external_id` or `customer_email`;
    a customer not found is created from the `customer_*` fields."""

    customer = serializers.IntegerField(required=False, allow_null=True, help_text="Customer id.")
    customer_external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    customer_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    customer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer_language = serializers.ChoiceField(choices=Language.choices, required=False, default=Language.FI)
    # A touchpoint on a path in use, read with its stage alone: the answer shows its name and path.
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=touchpoint_list().select_related(None).select_related("stage"), help_text="Touchpoint id."
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=location_list(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Location id: one of the company's locations in use.",
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    peak_feeling = serializers.IntegerField(
        min_value=FEELING_MIN, max_value=FEELING_MAX, required=False, allow_null=True, help_text="-2..+2"
    )
    end_feeling = serializers.IntegerField(
        min_value=FEELING_MIN, max_value=FEELING_MAX, required=False, allow_null=True, help_text="-2..+2"
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    raised_to_management = serializers.BooleanField(required=False, default=False)
    survey_agreed = serializers.BooleanField(required=False, default=False)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Defaults to now.")
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your system's id of the encounter: a resend with the same id returns the first one (200).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identified = attrs.get("customer") is not None or any(
            (attrs.get(key) or "").strip()
            for key in ("customer_external_id", "customer_email", "customer_phone", "customer_name")
        )
        if not identified:
            message = _("Give a customer id, or the customer's external id or email.")
            raise serializers.ValidationError({"customer": [message]})
        return attrs


class EncounterListApi(CapabilityApiMixin, generics.ListAPIView):
    """List encounters (managers: all; others: their own), newest first, or log one."""

    capability = staticmethod(can_log_encounters)
    serializer_class = EncounterOutputSerializer
    pagination_class = StandardPagination
    paginator: StandardPagination

    class FilterSerializer(serializers.Serializer):
        since = serializers.DateTimeField(required=False, help_text="Occurred at or after.")
        until = serializers.DateTimeField(required=False, help_text="Occurred before.")
        path = serializers.IntegerField(required=False, help_text="Service path id.")
        touchpoint = serializers.IntegerField(required=False, help_text="Touchpoint id.")
        logged_by = serializers.IntegerField(required=False, help_text="User id of the staff member.")
        customer = serializers.IntegerField(required=False, help_text="Customer id.")
        outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
        raised = serializers.BooleanField(required=False, default=False, help_text="Raised notes only.")
        location = serializers.IntegerField(required=False, help_text="Location id.")
        region = serializers.IntegerField(
            required=False, help_text="Region id: encounters at locations in it or below."
        )
        mine = serializers.BooleanField(required=False, default=False, help_text="Only my own encounters.")

    def get_queryset(self) -> QuerySet[Encounter]:
        if getattr(self, "swagger_fake_view", False):
            return Encounter.objects.none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return encounter_list(
            user=self.request.user,
            mine=data["mine"],
            since=data.get("since"),
            until=data.get("until"),
            path_id=data.get("path"),
            touchpoint_id=data.get("touchpoint"),
            logged_by_id=data.get("logged_by"),
            customer_id=data.get("customer"),
            outcome=data.get("outcome"),
            raised_only=data["raised"],
            location_id=data.get("location"),
            region_id=data.get("region"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page is read as plain rows and written without a serializer per row (the
        # serializer is the schema); the count is on the filtered encounters alone.
        page = self.paginator.page_slice(self.get_queryset(), request)
        return self.paginator.get_paginated_response([encounter_list_output(row) for row in encounter_list_rows(page)])

    @extend_schema(
        request=EncounterInputSerializer,
        responses={
            201: EncounterOutputSerializer,
            200: OpenApiResponse(EncounterOutputSerializer, description="A resend: the encounter logged first."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = EncounterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        encounter, created = encounter_log_for(
            logged_by=request.user,
            customer_ref=CustomerRef(
                customer_id=data.get("customer"),
                external_id=data.get("customer_external_id", ""),
                email=data.get("customer_email", ""),
                phone=data.get("customer_phone", ""),
                full_name=data.get("customer_name", ""),
                language=data["customer_language"],
            ),
            touchpoint=data["touchpoint"],
            location=data["location"],
            outcome=data["outcome"],
            peak_feeling=data.get("peak_feeling"),
            end_feeling=data.get("end_feeling"),
            note=data["note"],
            raised_to_management=data["raised_to_management"],
            survey_agreed=data["survey_agreed"],
            occurred_at=data.get("occurred_at") or None,
            source=EncounterSource.API,
            external_id=data["external_id"].strip(),
        )
        if created:
            # The new row holds its customer and touchpoint (with its stage): nothing to read again.
            return Response(EncounterOutputSerializer(encounter).data, status=status.HTTP_201_CREATED)
        resent = encounter_get(user=request.user, encounter_id=encounter.pk)
        if resent is None:
            message = _("Another user's encounter already has this external id.")
            raise DomainError(message, code="external_id_taken", fields={"external_id": [message]})
        return Response(EncounterOutputSerializer(resent).data, status=status.HTTP_200_OK)


class EncounterDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_log_encounters)

    @extend_schema(responses={200: EncounterOutputSerializer})
    def get(self, request: Request, encounter_id: int) -> Response:
        encounter = encounter_get(user=request.user, encounter_id=encounter_id)
        if encounter is None:
            raise Http404
        return Response(EncounterOutputSerializer(encounter).data)
