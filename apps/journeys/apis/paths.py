"""Service paths: list, create, read with their map, rename, archive and restore."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.filters import BooleanFilter, FilterSet
from apps.journeys import selectors
from apps.journeys.apis.common import ReadWriteCapabilityMixin, StageWithTouchpointsOutputSerializer, found_or_404
from apps.journeys.models import ServicePath
from apps.journeys.services.paths import path_archive, path_create, path_restore, path_update


class PathOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServicePath
        fields = ["id", "name", "description", "archived_at", "created_at", "updated_at"]


class PathListOutputSerializer(PathOutputSerializer):
    stage_count = serializers.IntegerField()
    touchpoint_count = serializers.IntegerField()
    unowned_count = serializers.IntegerField(help_text="Touchpoints without an owner.")

    class Meta(PathOutputSerializer.Meta):
        fields = [*PathOutputSerializer.Meta.fields, "stage_count", "touchpoint_count", "unowned_count"]


class PathDetailOutputSerializer(PathOutputSerializer):
    stages = StageWithTouchpointsOutputSerializer(many=True)

    class Meta(PathOutputSerializer.Meta):
        fields = [*PathOutputSerializer.Meta.fields, "stages"]


def _path_detail(path_id: int) -> dict[str, Any]:
    return PathDetailOutputSerializer(found_or_404(selectors.path_with_map(path_id=path_id))).data


class PathFilter(FilterSet):
    archived = BooleanFilter(
        method="filter_archived", help_text="true: archived paths only; false or absent: paths in use."
    )
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = ServicePath
        fields = ["archived", "search"]

    def filter_archived(self, queryset: QuerySet[ServicePath], name: str, value: bool | None) -> QuerySet[ServicePath]:
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset: QuerySet[ServicePath]) -> QuerySet[ServicePath]:
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)


class PathListApi(ReadWriteCapabilityMixin, generics.ListAPIView):
    """Service paths with their stage, touchpoint and unowned counts; POST creates a path."""

    serializer_class = PathListOutputSerializer
    filterset_class = PathFilter

    def get_queryset(self) -> QuerySet[ServicePath]:
        return selectors.path_list(include_archived=True)

    class PathCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=PathCreateInputSerializer, responses={201: PathDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.PathCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        path = path_create(**serializer.validated_data, created_by=request.user)
        return Response(_path_detail(path.pk), status=status.HTTP_201_CREATED)


class PathDetailApi(ReadWriteCapabilityMixin, APIView):
    """A path with its stages and their touchpoints, in order."""

    class PathUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses={200: PathDetailOutputSerializer})
    def get(self, request: Request, path_id: int) -> Response:
        return Response(_path_detail(path_id))

    @extend_schema(request=PathUpdateInputSerializer, responses={200: PathDetailOutputSerializer})
    def patch(self, request: Request, path_id: int) -> Response:
        path = found_or_404(selectors.path_get(path_id=path_id))
        serializer = self.PathUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        path_update(path=path, **serializer.validated_data)
        return Response(_path_detail(path_id))


class PathArchiveApi(ReadWriteCapabilityMixin, APIView):
    """Archive a path: it leaves the working lists; nothing is deleted."""

    @extend_schema(request=None, responses={200: PathOutputSerializer})
    def post(self, request: Request, path_id: int) -> Response:
        path = path_archive(path=found_or_404(selectors.path_get(path_id=path_id)))
        return Response(PathOutputSerializer(path).data)


class PathRestoreApi(ReadWriteCapabilityMixin, APIView):
    """Bring an archived path back into use."""

    @extend_schema(request=None, responses={200: PathOutputSerializer})
    def post(self, request: Request, path_id: int) -> Response:
        path = path_restore(path=found_or_404(selectors.path_get(path_id=path_id)))
        return Response(PathOutputSerializer(path).data)
