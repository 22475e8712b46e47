"""The locations API: the region tree, locations and their staff. Every member may read locations (the
phone form and integrations pick one); managers and admins change them."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_log_encounters, can_manage_locations, can_manage_users
from apps.accounts.models import Team, User
from apps.core.access import Capability, CapabilityApiMixin
from apps.locations.models import Location, Region
from apps.locations.selectors import (
    location_list,
    location_scope_list,
    location_staff,
    location_teams,
    region_list,
    region_paths,
)
from apps.locations.services import (
    location_archive,
    location_create,
    location_restore,
    location_scope_set,
    location_staff_add,
    location_staff_remove,
    location_team_add,
    location_team_remove,
    location_update,
    region_create,
    region_delete,
    region_update,
)


class RegionOutputSerializer(serializers.ModelSerializer):
    path = serializers.SerializerMethodField(help_text='The full path, e.g. "Uusimaa > Helsinki".')

    class Meta:
        model = Region
        fields = ["id", "name", "parent", "path", "created_at", "updated_at"]

    def get_path(self, region: Region) -> str:
        return self.context.get("paths", {}).get(region.pk) or region_paths().get(region.pk, region.name)


class RegionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, default=None, help_text="Parent region id."
    )


class LocationOutputSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Location
        fields = ["id", "name", "code", "region", "address", "city", "is_active", "archived_at", "created_at"]


class LocationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    code = serializers.CharField(max_length=32)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, default=None, help_text="Region id."
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LocationUpdateInputSerializer(LocationInputSerializer):
    is_active = serializers.BooleanField(required=False, help_text="false archives, true restores.")


class StaffOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role"]


class StaffInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), help_text="User id.")


class _ReadForMembersWriteForManagers:
    request: Request

    @property
    def capability(self) -> Capability:
        return can_log_encounters if self.request.method in SAFE_METHODS else can_manage_locations


class RegionListApi(_ReadForMembersWriteForManagers, CapabilityApiMixin, generics.ListAPIView):
    """Every region (flat, with each one's parent and full path), or add one."""

    serializer_class = RegionOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Region]:
        return region_list()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "paths": region_paths()}

    @extend_schema(request=RegionInputSerializer, responses={201: RegionOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        region = region_create(**serializer.validated_data)
        return Response(RegionOutputSerializer(region).data, status=status.HTTP_201_CREATED)


class RegionDetailApi(_ReadForMembersWriteForManagers, CapabilityApiMixin, APIView):
    """Read, rename or move one region (with its branch), or remove an empty one."""

    @extend_schema(responses={200: RegionOutputSerializer})
    def get(self, request: Request, region_id: int) -> Response:
        return Response(RegionOutputSerializer(get_object_or_404(Region, pk=region_id)).data)

    @extend_schema(request=RegionInputSerializer, responses={200: RegionOutputSerializer})
    def patch(self, request: Request, region_id: int) -> Response:
        region = get_object_or_404(Region, pk=region_id)
        serializer = RegionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {key: value for key, value in serializer.validated_data.items() if key in request.data}
        region = region_update(region=region, **changes)
        return Response(RegionOutputSerializer(region).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, region_id: int) -> Response:
        region_delete(region=get_object_or_404(Region, pk=region_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationListApi(_ReadForMembersWriteForManagers, CapabilityApiMixin, generics.ListAPIView):
    """List locations (in use only unless `include_archived`; `region` includes its sub-regions), or add one."""

    serializer_class = LocationOutputSerializer

    class FilterSerializer(serializers.Serializer):
        region = serializers.IntegerField(required=False, help_text="Region id: locations in it or below it.")
        search = serializers.CharField(required=False, help_text="Part of the name, code or city.")
        include_archived = serializers.BooleanField(required=False, default=False)

    def get_queryset(self) -> QuerySet[Location]:
        if getattr(self, "swagger_fake_view", False):
            return Location.objects.none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return location_list(
            include_archived=data["include_archived"], region_id=data.get("region"), search=data.get("search", "")
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = LocationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = location_create(**serializer.validated_data)
        return Response(LocationOutputSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(_ReadForMembersWriteForManagers, CapabilityApiMixin, APIView):
    """Read or change one location. DELETE archives: encounters point at their location, so it is never
    erased; PATCH `is_active` restores."""

    @extend_schema(responses={200: LocationOutputSerializer})
    def get(self, request: Request, location_id: int) -> Response:
        return Response(LocationOutputSerializer(get_object_or_404(Location, pk=location_id)).data)

    @extend_schema(request=LocationUpdateInputSerializer, responses={200: LocationOutputSerializer})
    def patch(self, request: Request, location_id: int) -> Response:
        location = get_object_or_404(Location, pk=location_id)
        serializer = LocationUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {key: value for key, value in serializer.validated_data.items() if key in request.data}
        active = changes.pop("is_active", None)
        if changes:
            location = location_update(location=location, **changes)
        if active is False:
            location = location_archive(location=location)
        elif active is True:
            location = location_restore(location=location)
        return Response(LocationOutputSerializer(location).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, location_id: int) -> Response:
        location_archive(location=get_object_or_404(Location, pk=location_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationStaffApi(CapabilityApiMixin, generics.ListAPIView):
    """Who works at a location (managers), or add a person to it."""

    capability = staticmethod(can_manage_locations)
    serializer_class = StaffOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return location_staff(location=get_object_or_404(Location, pk=self.kwargs["location_id"]))

    @extend_schema(request=StaffInputSerializer, responses={201: StaffOutputSerializer})
    def post(self, request: Request, location_id: int) -> Response:
        location = get_object_or_404(Location, pk=location_id)
        serializer = StaffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = location_staff_add(location=location, user=serializer.validated_data["user"])
        return Response(StaffOutputSerializer(membership.user).data, status=status.HTTP_201_CREATED)


class LocationStaffMemberApi(CapabilityApiMixin, APIView):
    """Take a person off a location's staff."""

    capability = staticmethod(can_manage_locations)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, location_id: int, user_id: int) -> Response:
        location = get_object_or_404(Location, pk=location_id)
        user = get_object_or_404(User, pk=user_id)
        if not location_staff_remove(location=location, user=user):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationTeamOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    member_count = serializers.IntegerField(help_text="Active members")


class LocationTeamInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), help_text="Team id.")


class LocationTeamsApi(CapabilityApiMixin, generics.ListAPIView):
    """The teams placed at a location, with their active members counted (managers), or place a team
    there: its members work at the location. Placing a team again changes nothing; an archived location
    takes no new team (400 with `location`)."""

    capability = staticmethod(can_manage_locations)
    serializer_class = LocationTeamOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Team]:
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return location_teams(location=get_object_or_404(Location, pk=self.kwargs["location_id"]))

    @extend_schema(request=LocationTeamInputSerializer, responses={201: LocationTeamOutputSerializer})
    def post(self, request: Request, location_id: int) -> Response:
        location = get_object_or_404(Location, pk=location_id)
        serializer = LocationTeamInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = location_team_add(location=location, team=serializer.validated_data["team"])
        team = location_teams(location=location).get(pk=placement.team_id)
        return Response(LocationTeamOutputSerializer(team).data, status=status.HTTP_201_CREATED)


class LocationTeamApi(CapabilityApiMixin, APIView):
    """Take a team away from a location."""

    capability = staticmethod(can_manage_locations)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, location_id: int, team_id: int) -> Response:
        location = get_object_or_404(Location, pk=location_id)
        team = get_object_or_404(Team, pk=team_id)
        if not location_team_remove(location=location, team=team):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationScopeSerializer(serializers.Serializer):
    regions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Region ids; each takes in the locations below it."
    )
    locations = serializers.ListField(child=serializers.IntegerField(), help_text="Location ids.")


class LocationScopeInputSerializer(LocationScopeSerializer):
    def _existing(self, ids: list[int], model: type[Region] | type[Location], field: str) -> list[Any]:
        found = list(model.objects.filter(pk__in=ids))
        missing = sorted(set(ids) - {row.pk for row in found})
        if missing:
            raise serializers.ValidationError({field: [f"No such id: {', '.join(map(str, missing))}."]})
        return found

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "regions": self._existing(data["regions"], Region, "regions"),
            "locations": self._existing(data["locations"], Location, "locations"),
        }


def _scope_output(user: User) -> dict[str, list[int]]:
    scope = location_scope_list(user=user)
    return {
        "regions": [row.region_id for row in scope if row.region_id is not None],
        "locations": [row.location_id for row in scope if row.location_id is not None],
    }


class UserLocationScopeApi(CapabilityApiMixin, APIView):
    """The regions and locations a manager is limited to; both empty: the whole company (admins)."""

    capability = staticmethod(can_manage_users)

    @extend_schema(responses={200: LocationScopeSerializer})
    def get(self, request: Request, user_id: int) -> Response:
        return Response(_scope_output(get_object_or_404(User, pk=user_id)))

    @extend_schema(request=LocationScopeInputSerializer, responses={200: LocationScopeSerializer})
    def put(self, request: Request, user_id: int) -> Response:
        user = get_object_or_404(User, pk=user_id)
        serializer = LocationScopeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location_scope_set(user=user, acting_user=request.user, **serializer.validated_data)
        return Response(_scope_output(user))
