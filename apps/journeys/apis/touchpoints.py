"""Touchpoints: list, add, read, edit, delete and move; their owners are set in `ownership`."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.filters import BooleanFilter, FilterSet, IdFilter
from apps.journeys import selectors
from apps.journeys.apis.common import ReadWriteCapabilityMixin, TouchpointOutputSerializer, touchpoint_or_404
from apps.journeys.models import NPS_MAX, NPS_MIN, Channel, Stage, Touchpoint
from apps.journeys.services.touchpoints import touchpoint_add, touchpoint_delete, touchpoint_move, touchpoint_update


class TouchpointFilter(FilterSet):
    path = IdFilter(field_name="stage__path_id")
    stage = IdFilter(field_name="stage_id")
    owner = IdFilter(method="filter_owner", help_text="Owned or backed up by this user.")
    unowned = BooleanFilter(field_name="owner", lookup_expr="isnull", help_text="true: no owner.")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)

    class Meta:
        model = Touchpoint
        fields = ["path", "stage", "owner", "unowned", "channel"]

    def filter_owner(self, queryset: QuerySet[Touchpoint], name: str, value: int) -> QuerySet[Touchpoint]:
        return queryset.filter(pk__in=selectors.touchpoint_list(owner_id=value, include_archived=True).values("pk"))


class _TouchpointFieldsInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    channel = serializers.ChoiceField(choices=Channel.choices)
    customer_does = serializers.CharField(allow_blank=True)
    customer_thinks = serializers.CharField(allow_blank=True)
    customer_feels = serializers.CharField(allow_blank=True)
    intended_experience = serializers.CharField(allow_blank=True, help_text="What good looks like.")
    planned_emotion = serializers.IntegerField(min_value=-2, max_value=2)
    is_peak = serializers.BooleanField()
    is_end = serializers.BooleanField(help_text="A path has at most one end moment.")
    target_nps = serializers.IntegerField(min_value=NPS_MIN, max_value=NPS_MAX, allow_null=True)


class TouchpointUpdateInputSerializer(_TouchpointFieldsInputSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class TouchpointListApi(ReadWriteCapabilityMixin, generics.ListAPIView):
    """Touchpoints of paths in use, in map order; POST adds one to a stage (unowned)."""

    serializer_class = TouchpointOutputSerializer
    filterset_class = TouchpointFilter

    def get_queryset(self) -> QuerySet[Touchpoint]:
        return selectors.touchpoint_list()

    class TouchpointCreateInputSerializer(_TouchpointFieldsInputSerializer):
        stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
        position = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                if name not in {"stage", "name"}:
                    field.required = False

    @extend_schema(request=TouchpointCreateInputSerializer, responses={201: TouchpointOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.TouchpointCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        touchpoint = touchpoint_add(**serializer.validated_data)
        return Response(
            TouchpointOutputSerializer(selectors.touchpoint_get(touchpoint_id=touchpoint.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class TouchpointDetailApi(ReadWriteCapabilityMixin, APIView):
    @extend_schema(responses={200: TouchpointOutputSerializer})
    def get(self, request: Request, touchpoint_id: int) -> Response:
        return Response(TouchpointOutputSerializer(touchpoint_or_404(touchpoint_id)).data)

    @extend_schema(request=TouchpointUpdateInputSerializer, responses={200: TouchpointOutputSerializer})
    def patch(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = touchpoint_or_404(touchpoint_id)
        serializer = TouchpointUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        touchpoint_update(touchpoint=touchpoint, **serializer.validated_data)
        return Response(TouchpointOutputSerializer(touchpoint_or_404(touchpoint_id)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint_delete(touchpoint=touchpoint_or_404(touchpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TouchpointMoveApi(ReadWriteCapabilityMixin, APIView):
    """Move a touchpoint to a 0-based position, in its own stage or another stage of the same path."""

    class TouchpointMoveInputSerializer(serializers.Serializer):
        stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False)
        position = serializers.IntegerField(min_value=0)

    @extend_schema(request=TouchpointMoveInputSerializer, responses={200: TouchpointOutputSerializer})
    def post(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = touchpoint_or_404(touchpoint_id)
        serializer = self.TouchpointMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        touchpoint_move(touchpoint=touchpoint, **serializer.validated_data)
        return Response(TouchpointOutputSerializer(touchpoint_or_404(touchpoint_id)).data)
