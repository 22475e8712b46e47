"""Touchpoint ownership: setting the owner and the backup, and the history of who changed them."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model
from apps.accounts.selectors import user_list
from apps.core.access import CapabilityApiMixin
from apps.core.filters import FilterSet, IdFilter
from apps.journeys import selectors
from apps.journeys.apis.common import (
    PersonOutputSerializer,
    ReadWriteCapabilityMixin,
    TouchpointOutputSerializer,
    touchpoint_or_404,
)
from apps.journeys.models import OwnershipChange, OwnershipRole
from apps.journeys.services.ownership import touchpoint_assign_owner


class TouchpointOwnerApi(ReadWriteCapabilityMixin, APIView):
    """Set the accountable owner and the backup; each change is kept in the ownership history."""

    class TouchpointOwnerInputSerializer(serializers.Serializer):
        owner = serializers.PrimaryKeyRelatedField(queryset=user_list(), allow_null=True)
        backup_owner = serializers.PrimaryKeyRelatedField(queryset=user_list(), allow_null=True, default=None)

    @extend_schema(request=TouchpointOwnerInputSerializer, responses={200: TouchpointOutputSerializer})
    def put(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = touchpoint_or_404(touchpoint_id)
        serializer = self.TouchpointOwnerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        touchpoint_assign_owner(
            touchpoint=touchpoint,
            owner=serializer.validated_data["owner"],
            backup=serializer.validated_data["backup_owner"],
            acting_user=request.user,
        )
        return Response(TouchpointOutputSerializer(touchpoint_or_404(touchpoint_id)).data)


class OwnershipChangeOutputSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=OwnershipRole.choices)
    from_owner = PersonOutputSerializer(allow_null=True)
    to_owner = PersonOutputSerializer(allow_null=True)
    changed_by = PersonOutputSerializer(allow_null=True)

    class Meta:
        model = OwnershipChange
        fields = [
            "id",
            "touchpoint",
            "touchpoint_name",
            "path_name",
            "role",
            "from_owner",
            "to_owner",
            "changed_by",
            "changed_at",
            "note",
        ]


class OwnershipChangeFilter(FilterSet):
    touchpoint = IdFilter(field_name="touchpoint_id")
    user = IdFilter(method="filter_user", help_text="Changes from or to this user.")

    class Meta:
        model = OwnershipChange
        fields = ["touchpoint", "user"]

    def filter_user(self, queryset: QuerySet[OwnershipChange], name: str, value: int) -> QuerySet[OwnershipChange]:
        return queryset.filter(pk__in=selectors.ownership_change_list(user_id=value).values("pk"))


class OwnershipChangeListApi(CapabilityApiMixin, generics.ListAPIView):
    """Who changed which touchpoint's owner or backup, when, from whom to whom; newest first."""

    capability = staticmethod(can_manage_cx_model)
    serializer_class = OwnershipChangeOutputSerializer
    filterset_class = OwnershipChangeFilter

    def get_queryset(self) -> QuerySet[OwnershipChange]:
        return selectors.ownership_change_list()
