"""The stages of a path: list, add, read with their touchpoints, rename, delete and move."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.filters import FilterSet, IdFilter
from apps.journeys import selectors
from apps.journeys.apis.common import (
    ReadWriteCapabilityMixin,
    StageOutputSerializer,
    StageWithTouchpointsOutputSerializer,
    TouchpointOutputSerializer,
    found_or_404,
)
from apps.journeys.models import ServicePath, Stage
from apps.journeys.services.stages import stage_add, stage_delete, stage_move, stage_rename


class StageFilter(FilterSet):
    path = IdFilter(field_name="path_id")

    class Meta:
        model = Stage
        fields = ["path"]


class StageListApi(ReadWriteCapabilityMixin, generics.ListAPIView):
    """Stages in path order; POST adds a stage (at the end unless a position is given)."""

    serializer_class = StageOutputSerializer
    filterset_class = StageFilter

    def get_queryset(self) -> QuerySet[Stage]:
        return Stage.objects.order_by("path_id", "position")

    class StageCreateInputSerializer(serializers.Serializer):
        path = serializers.PrimaryKeyRelatedField(queryset=ServicePath.objects.all())
        name = serializers.CharField(max_length=120)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        position = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)

    @extend_schema(request=StageCreateInputSerializer, responses={201: StageOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.StageCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stage = stage_add(**serializer.validated_data)
        return Response(StageOutputSerializer(stage).data, status=status.HTTP_201_CREATED)


class StageDetailApi(ReadWriteCapabilityMixin, APIView):
    class StageUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(required=False, allow_blank=True)

    def _stage(self, stage_id: int) -> Stage:
        return found_or_404(Stage.objects.filter(pk=stage_id).first())

    @extend_schema(responses={200: StageWithTouchpointsOutputSerializer})
    def get(self, request: Request, stage_id: int) -> Response:
        stage = self._stage(stage_id)
        data = dict(StageOutputSerializer(stage).data)
        touchpoints = selectors.touchpoint_list(stage_id=stage.pk, include_archived=True)
        data["touchpoints"] = TouchpointOutputSerializer(touchpoints, many=True).data
        return Response(data)

    @extend_schema(request=StageUpdateInputSerializer, responses={200: StageOutputSerializer})
    def patch(self, request: Request, stage_id: int) -> Response:
        stage = self._stage(stage_id)
        serializer = self.StageUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stage = stage_rename(stage=stage, name=data.get("name", stage.name), description=data.get("description"))
        return Response(StageOutputSerializer(stage).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, stage_id: int) -> Response:
        stage_delete(stage=self._stage(stage_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StageMoveApi(ReadWriteCapabilityMixin, APIView):
    """Move a stage to a 0-based position in its path; the others close up."""

    class StageMoveInputSerializer(serializers.Serializer):
        position = serializers.IntegerField(min_value=0)

    @extend_schema(request=StageMoveInputSerializer, responses={200: StageOutputSerializer})
    def post(self, request: Request, stage_id: int) -> Response:
        stage = found_or_404(Stage.objects.filter(pk=stage_id).first())
        serializer = self.StageMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stage = stage_move(stage=stage, position=serializer.validated_data["position"])
        return Response(StageOutputSerializer(stage).data)
