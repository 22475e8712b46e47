"""The follow-up case API: the case list and page as data, with the same role rules.

Everyone who works cases sees the cases assigned to them; managers and admins every case
(a scoped manager those of their locations, and those assigned to them); only managers and
admins reassign. A status change calls the page's services, so its rules and history are the same.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_view_dashboards, can_work_cases
from apps.accounts.selectors import user_list
from apps.cases.models import CaseEvent, CaseStatus, FollowUpCase
from apps.cases.selectors import case_get, case_list
from apps.cases.services import case_mark_contacted, case_reassign, case_resolve
from apps.cases.timeliness import Timeliness
from apps.core.access import CapabilityApiMixin
from apps.core.pagination import StandardPagination

UNRESOLVED = "unresolved"
ALL = "all"


class CaseOutputSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.__str__", read_only=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, allow_null=True, default=None)
    location = serializers.IntegerField(
        source="encounter.location_id", read_only=True, allow_null=True, default=None, help_text="Location id."
    )
    assignee_name = serializers.CharField(source="assignee.__str__", read_only=True, allow_null=True, default=None)
    reason = serializers.CharField(read_only=True, help_text="Why the case was opened, in the request's language.")
    timeliness = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpCase
        fields = [
            "id",
            "customer",
            "customer_name",
            "touchpoint",
            "touchpoint_name",
            "encounter",
            "location",
            "assignee",
            "assignee_name",
            "status",
            "timeliness",
            "reason",
            "reason_code",
            "detail",
            "due_at",
            "contacted_at",
            "resolved_at",
            "resolution_note",
            "reminded_at",
            "lead_escalated_at",
            "escalated_to_lead",
            "escalated_at",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Timeliness.choices))
    def get_timeliness(self, case: FollowUpCase) -> str:
        return case.timeliness(self.context.get("now") or timezone.now()).value


class CaseEventOutputSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, allow_null=True, default=None)
    description = serializers.CharField(
        read_only=True, help_text="What happened besides a change of status, in the request's language."
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "kind",
            "at",
            "actor",
            "actor_name",
            "from_status",
            "to_status",
            "assignee",
            "recipient",
            "note",
            "description",
        ]


class CaseDetailOutputSerializer(CaseOutputSerializer):
    events = serializers.SerializerMethodField()

    class Meta(CaseOutputSerializer.Meta):
        fields = [*CaseOutputSerializer.Meta.fields, "reason_scores", "events"]

    @extend_schema_field(CaseEventOutputSerializer(many=True))
    def get_events(self, case: FollowUpCase) -> list[dict[str, Any]]:
        events = case.events.select_related("actor", "assignee", "recipient")
        return CaseEventOutputSerializer(events, many=True).data


# The statuses a case moves to through the API (and its page): an open case is never reopened.
CASE_TRANSITION_STATUSES = [
    (CaseStatus.CONTACTED.value, CaseStatus.CONTACTED.label),
    (CaseStatus.RESOLVED.value, CaseStatus.RESOLVED.label),
]


class CaseTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CASE_TRANSITION_STATUSES)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000, help_text="Required to resolve."
    )


class CaseReassignInputSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=user_list(include_inactive=False), help_text="User id of an active user."
    )


def _case_or_404(request: Request, case_id: int) -> FollowUpCase:
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _detail(case_id: int, request: Request) -> Response:
    return Response(CaseDetailOutputSerializer(_case_or_404(request, case_id)).data)


class CaseListApi(CapabilityApiMixin, generics.ListAPIView):
    """The cases the user may see, most urgent first; by default the unresolved ones, as on the case list."""

    capability = staticmethod(can_work_cases)
    serializer_class = CaseOutputSerializer
    pagination_class = StandardPagination

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[(UNRESOLVED, "Unresolved (open and contacted)"), *CaseStatus.choices, (ALL, "All")],
            required=False,
            default=UNRESOLVED,
        )
        timeliness = serializers.ChoiceField(choices=Timeliness.choices, required=False)
        touchpoint = serializers.IntegerField(required=False, help_text="Touchpoint id.")
        location = serializers.IntegerField(required=False, help_text="Location id: where the encounter happened.")
        assignee = serializers.IntegerField(required=False, help_text="User id of the assignee.")
        search = serializers.CharField(
            required=False, default="", max_length=200, help_text="In the customer's name or email."
        )
        mine = serializers.BooleanField(required=False, default=False, help_text="Only the cases assigned to me.")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": self.now}

    def get_queryset(self) -> QuerySet[FollowUpCase]:
        if getattr(self, "swagger_fake_view", False):
            return FollowUpCase.objects.none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        self.now = timezone.now()
        return case_list(
            user=self.request.user,
            status=None if data["status"] in (UNRESOLVED, ALL) else data["status"],
            unresolved=data["status"] == UNRESOLVED,
            timeliness=data.get("timeliness"),
            touchpoint_id=data.get("touchpoint"),
            location_id=data.get("location"),
            assignee_id=data.get("assignee"),
            search=data["search"],
            mine=data["mine"],
            now=self.now,
        ).select_related("encounter")

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CaseDetailApi(CapabilityApiMixin, APIView):
    """One case with its history."""

    capability = staticmethod(can_work_cases)

    @extend_schema(responses={200: CaseDetailOutputSerializer})
    def get(self, request: Request, case_id: int) -> Response:
        return _detail(case_id, request)


class CaseTransitionApi(CapabilityApiMixin, APIView):
    """Mark the case contacted (an optional note) or resolve it (a note of what was done), as on its page."""

    capability = staticmethod(can_work_cases)

    @extend_schema(request=CaseTransitionInputSerializer, responses={200: CaseDetailOutputSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        case = _case_or_404(request, case_id)
        serializer = CaseTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["status"] == CaseStatus.CONTACTED:
            case_mark_contacted(case=case, actor=request.user, note=data["note"])
        else:
            case_resolve(case=case, actor=request.user, note=data["note"])
        return _detail(case_id, request)


class CaseReassignApi(CapabilityApiMixin, APIView):
    """Give the case to another active user; managers and admins, as on its page. The new assignee is emailed."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(request=CaseReassignInputSerializer, responses={200: CaseDetailOutputSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        case = _case_or_404(request, case_id)
        serializer = CaseReassignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_reassign(case=case, actor=request.user, assignee=serializer.validated_data["assignee"])
        return _detail(case_id, request)
