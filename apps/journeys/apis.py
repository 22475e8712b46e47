"""The service-path API: thin views over the journeys services and selectors.

Everyone in the company may read the maps; writes need can_manage_cx_model.
Positions in the API are 0-based.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model, can_view_service_paths
from apps.accounts.models import User
from apps.core.access import Capability, CapabilityApiMixin
from apps.core.filters import BooleanFilter, FilterSet, IdFilter
from apps.journeys import selectors, services
from apps.journeys.models import Channel, OwnershipChange, OwnershipRole, ServicePath, Stage, Touchpoint


class ReadWriteCapabilityMixin(CapabilityApiMixin):
    """Safe methods need the read capability, every other method the write capability."""

    read_capability: Capability = staticmethod(can_view_service_paths)
    write_capability: Capability = staticmethod(can_manage_cx_model)
    request: Request

    @property
    def capability(self) -> Capability:  # type: ignore[override]
        return self.read_capability if self.request.method in permissions.SAFE_METHODS else self.write_capability


def _found(value: Any) -> Any:
    if value is None:
        raise Http404
    return value


# --- output -------------------------------------------------------------------


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
    return PathDetailOutputSerializer(_found(selectors.path_with_map(path_id=path_id))).data


# --- paths ----------------------------------------------------------------------


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
        path = services.path_create(**serializer.validated_data, created_by=request.user)
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
        path = _found(selectors.path_get(path_id=path_id))
        serializer = self.PathUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.path_update(path=path, **serializer.validated_data)
        return Response(_path_detail(path_id))


class PathArchiveApi(ReadWriteCapabilityMixin, APIView):
    """Archive a path: it leaves the working lists; nothing is deleted."""

    @extend_schema(request=None, responses={200: PathOutputSerializer})
    def post(self, request: Request, path_id: int) -> Response:
        path = services.path_archive(path=_found(selectors.path_get(path_id=path_id)))
        return Response(PathOutputSerializer(path).data)


class PathRestoreApi(ReadWriteCapabilityMixin, APIView):
    """Bring an archived path back into use."""

    @extend_schema(request=None, responses={200: PathOutputSerializer})
    def post(self, request: Request, path_id: int) -> Response:
        path = services.path_restore(path=_found(selectors.path_get(path_id=path_id)))
        return Response(PathOutputSerializer(path).data)


# --- stages ---------------------------------------------------------------------


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
        stage = services.stage_add(**serializer.validated_data)
        return Response(StageOutputSerializer(stage).data, status=status.HTTP_201_CREATED)


class StageDetailApi(ReadWriteCapabilityMixin, APIView):
    class StageUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(required=False, allow_blank=True)

    def _stage(self, stage_id: int) -> Stage:
        return _found(Stage.objects.filter(pk=stage_id).first())

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
        stage = services.stage_rename(
            stage=stage, name=data.get("name", stage.name), description=data.get("description")
        )
        return Response(StageOutputSerializer(stage).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, stage_id: int) -> Response:
        services.stage_delete(stage=self._stage(stage_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StageMoveApi(ReadWriteCapabilityMixin, APIView):
    """Move a stage to a 0-based position in its path; the others close up."""

    class StageMoveInputSerializer(serializers.Serializer):
        position = serializers.IntegerField(min_value=0)

    @extend_schema(request=StageMoveInputSerializer, responses={200: StageOutputSerializer})
    def post(self, request: Request, stage_id: int) -> Response:
        stage = _found(Stage.objects.filter(pk=stage_id).first())
        serializer = self.StageMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stage = services.stage_move(stage=stage, position=serializer.validated_data["position"])
        return Response(StageOutputSerializer(stage).data)


# --- touchpoints ----------------------------------------------------------------


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
    target_nps = serializers.IntegerField(min_value=-100, max_value=100, allow_null=True)


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
        touchpoint = services.touchpoint_add(**serializer.validated_data)
        return Response(
            TouchpointOutputSerializer(selectors.touchpoint_get(touchpoint_id=touchpoint.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _touchpoint(touchpoint_id: int) -> Touchpoint:
    return _found(selectors.touchpoint_get(touchpoint_id=touchpoint_id))


class TouchpointDetailApi(ReadWriteCapabilityMixin, APIView):
    @extend_schema(responses={200: TouchpointOutputSerializer})
    def get(self, request: Request, touchpoint_id: int) -> Response:
        return Response(TouchpointOutputSerializer(_touchpoint(touchpoint_id)).data)

    @extend_schema(request=TouchpointUpdateInputSerializer, responses={200: TouchpointOutputSerializer})
    def patch(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = _touchpoint(touchpoint_id)
        serializer = TouchpointUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.touchpoint_update(touchpoint=touchpoint, **serializer.validated_data)
        return Response(TouchpointOutputSerializer(_touchpoint(touchpoint_id)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, touchpoint_id: int) -> Response:
        services.touchpoint_delete(touchpoint=_touchpoint(touchpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TouchpointMoveApi(ReadWriteCapabilityMixin, APIView):
    """Move a touchpoint to a 0-based position, in its own stage or another stage of the same path."""

    class TouchpointMoveInputSerializer(serializers.Serializer):
        stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False)
        position = serializers.IntegerField(min_value=0)

    @extend_schema(request=TouchpointMoveInputSerializer, responses={200: TouchpointOutputSerializer})
    def post(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = _touchpoint(touchpoint_id)
        serializer = self.TouchpointMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.touchpoint_move(touchpoint=touchpoint, **serializer.validated_data)
        return Response(TouchpointOutputSerializer(_touchpoint(touchpoint_id)).data)


class TouchpointOwnerApi(ReadWriteCapabilityMixin, APIView):
    """Set the accountable owner and the backup; each change is kept in the ownership history."""

    class TouchpointOwnerInputSerializer(serializers.Serializer):
        owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)
        backup_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, default=None)

    @extend_schema(request=TouchpointOwnerInputSerializer, responses={200: TouchpointOutputSerializer})
    def put(self, request: Request, touchpoint_id: int) -> Response:
        touchpoint = _touchpoint(touchpoint_id)
        serializer = self.TouchpointOwnerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.touchpoint_assign_owner(
            touchpoint=touchpoint,
            owner=serializer.validated_data["owner"],
            backup=serializer.validated_data["backup_owner"],
            acting_user=request.user,
        )
        return Response(TouchpointOutputSerializer(_touchpoint(touchpoint_id)).data)


# --- ownership history ------------------------------------------------------------


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
