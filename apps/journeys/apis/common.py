"""What the service-path API's topics share: the read/write capability rule, 404 for a missing
object, and the output of people, touchpoints and stages."""

from typing import Any

from django.http import Http404
from rest_framework import permissions, serializers
from rest_framework.request import Request

from apps.accounts.capabilities import can_manage_cx_model, can_view_service_paths
from apps.accounts.models import User
from apps.core.access import Capability, CapabilityApiMixin
from apps.journeys import selectors
from apps.journeys.models import Stage, Touchpoint


class ReadWriteCapabilityMixin(CapabilityApiMixin):
    """Safe methods need the read capability, every other method the write capability."""

    read_capability: Capability = staticmethod(can_view_service_paths)
    write_capability: Capability = staticmethod(can_manage_cx_model)
    request: Request

    @property
    def capability(self) -> Capability:  # type: ignore[override]
        return self.read_capability if self.request.method in permissions.SAFE_METHODS else self.write_capability


def found_or_404(value: Any) -> Any:
    if value is None:
        raise Http404
    return value


def touchpoint_or_404(touchpoint_id: int) -> Touchpoint:
    return found_or_404(selectors.touchpoint_get(touchpoint_id=touchpoint_id))


class PersonOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "name", "email", "is_active"]


class TouchpointOutputSerializer(serializers.ModelSerializer):
    path = serializers.IntegerField(source="stage.path_id", read_only=True)
    owner = PersonOutputSerializer(allow_null=True)
    backup_owner = PersonOutputSerializer(allow_null=True)

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "path",
            "stage",
            "position",
            "name",
            "channel",
            "customer_does",
            "customer_thinks",
            "customer_feels",
            "intended_experience",
            "planned_emotion",
            "is_peak",
            "is_end",
            "target_nps",
            "owner",
            "backup_owner",
            "updated_at",
        ]


class StageOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "path", "name", "description", "position"]


class StageWithTouchpointsOutputSerializer(StageOutputSerializer):
    touchpoints = TouchpointOutputSerializer(many=True)

    class Meta(StageOutputSerializer.Meta):
        fields = [*StageOutputSerializer.Meta.fields, "touchpoints"]
