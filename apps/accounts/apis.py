from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_users, can_use_app, capabilities_for
from apps.accounts.invitations import user_invitation_send
from apps.accounts.models import ApiToken, Role, Team, User
from apps.accounts.selectors import api_token_list, team_get, team_list, user_list
from apps.accounts.services import api_token_issue, api_token_revoke, team_update, user_create, user_update
from apps.core.access import CapabilityApiMixin, PublicApiMixin
from apps.core.exceptions import DomainError
from apps.core.filters import FilterSet


class UserOutputSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "team", "team_name", "is_active", "date_joined"]


def _team_from_input(data: dict[str, Any]) -> dict[str, Any]:
    """Swap the `team` id of validated input for this company's team; an unknown id is a field error."""
    if data.get("team") is None:
        return data
    team = team_get(team_id=data["team"])
    if team is None:
        message = _("Unknown team.")
        raise DomainError(message, code="unknown_team", fields={"team": [message]})
    return {**data, "team": team}


class ApiTokenOutputSerializer(serializers.ModelSerializer):
    """A token as its owner sees it in a list: never its key or digest."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]


class TokenObtainApi(PublicApiMixin, APIView):
    """Exchange a company user's email and password for a new API token, valid on this company's domain only.

    The key is in this response only; the company keeps just its hash. Repeated
    wrong passwords lock the email for a while from the caller's address (429).
    """

    throttle_classes = [AnonRateThrottle]

    class TokenObtainInputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        name = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default="", help_text="To recognise the token later"
        )
        expires_in_days = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=1,
            max_value=settings.API_TOKEN_MAX_DAYS,
            help_text=f"Default {settings.API_TOKEN_DEFAULT_DAYS}",
        )

    class TokenObtainOutputSerializer(ApiTokenOutputSerializer):
        token = serializers.CharField(help_text="The key: send it as 'Authorization: Token <key>'. Shown only once.")

        class Meta(ApiTokenOutputSerializer.Meta):
            fields = ["token", *ApiTokenOutputSerializer.Meta.fields]

    @extend_schema(request=TokenObtainInputSerializer, responses={200: TokenObtainOutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.TokenObtainInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(
            request=request._request,
            username=data["email"].strip().lower(),
            password=data["password"],
        )
        if user is None or not user.is_active:
            raise DomainError(_("Email or password is wrong."), code="invalid_credentials")
        # A sign-in like the login page's: it clears the failed attempts and sets last_login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token, key = api_token_issue(user=user, name=data["name"], expires_in_days=data["expires_in_days"])
        # 200 rather than 201, as before, for the clients written against the old endpoint.
        return Response({"token": key, **ApiTokenOutputSerializer(token).data})


class MyTokenListApi(CapabilityApiMixin, generics.ListAPIView):
    """The signed-in user's own API tokens that are not revoked (expired ones included)."""

    capability = staticmethod(can_use_app)
    serializer_class = ApiTokenOutputSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        return api_token_list(user=self.request.user)


class MyTokenDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_use_app)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        """Revoke one of your own tokens; it stops working at once. Another user's token is a 404."""
        if not api_token_revoke(user=request.user, token_id=token_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_use_app)

    class MeOutputSerializer(UserOutputSerializer):
        capabilities = serializers.SerializerMethodField()

        class Meta(UserOutputSerializer.Meta):
            fields = [*UserOutputSerializer.Meta.fields, "capabilities"]

        def get_capabilities(self, user: User) -> dict[str, bool]:
            return capabilities_for(user)

    @extend_schema(responses={200: MeOutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.MeOutputSerializer(request.user).data)


class UserFilter(FilterSet):
    class Meta:
        model = User
        fields = ["role", "team", "is_active"]


class UserListApi(CapabilityApiMixin, generics.ListAPIView):
    """List the company's users (paginated, filterable by role and active flag) or add one."""

    capability = staticmethod(can_manage_users)
    serializer_class = UserOutputSerializer
    filterset_class = UserFilter

    def get_queryset(self) -> QuerySet[User]:
        return user_list()

    class UserCreateInputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        role = serializers.ChoiceField(choices=Role.choices)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True, required=False, default="")
        team = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A team id")
        invite = serializers.BooleanField(
            required=False,
            default=True,
            help_text="Email the new user a link to set a password (default); false to announce the account yourself.",
        )

    @extend_schema(request=UserCreateInputSerializer, responses={201: UserOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.UserCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        invite = data.pop("invite")
        user = user_create(**_team_from_input(data), acting_user=request.user)
        if invite:
            user_invitation_send(request=request, user=user)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TeamOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    member_count = serializers.IntegerField(help_text="Active members")
    lead = serializers.IntegerField(source="lead_id", allow_null=True, help_text="The team lead's user id, or null")
    lead_name = serializers.CharField(source="lead.__str__", default=None, allow_null=True)


class TeamListApi(CapabilityApiMixin, generics.ListAPIView):
    """The company's teams with their leads, for choosing a user's team."""

    capability = staticmethod(can_manage_users)
    serializer_class = TeamOutputSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return team_list()


class TeamDetailApi(CapabilityApiMixin, APIView):
    """One team; rename it or set its lead, the first step up a late case's escalation."""

    capability = staticmethod(can_manage_users)

    class TeamUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False)
        lead = serializers.IntegerField(
            required=False, allow_null=True, help_text="An active user's id, or null for no lead"
        )

    def _team(self, team_id: int) -> Team:
        team = team_list().filter(pk=team_id).first()
        if team is None:
            raise Http404
        return team

    @extend_schema(responses={200: TeamOutputSerializer})
    def get(self, request: Request, team_id: int) -> Response:
        return Response(TeamOutputSerializer(self._team(team_id)).data)

    @extend_schema(request=TeamUpdateInputSerializer, responses={200: TeamOutputSerializer})
    def patch(self, request: Request, team_id: int) -> Response:
        team = self._team(team_id)
        serializer = self.TeamUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(serializer.validated_data)
        if "lead" in changes and changes["lead"] is not None:
            lead = user_list(include_inactive=True).filter(pk=changes["lead"]).first()
            if lead is None:
                message = _("The team lead must be an active user of the company.")
                raise DomainError(message, code="invalid_team_lead", fields={"lead": [message]})
            changes["lead"] = lead
        team_update(team=team, acting_user=request.user, **changes)
        return Response(TeamOutputSerializer(self._team(team_id)).data)


class UserDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_manage_users)

    class UserUpdateInputSerializer(serializers.Serializer):
        email = serializers.EmailField(required=False)
        full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=Role.choices, required=False)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True, required=False)
        team = serializers.IntegerField(required=False, allow_null=True, help_text="A team id, or null for none")
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses={200: UserOutputSerializer})
    def get(self, request: Request, user_id: int) -> Response:
        return Response(UserOutputSerializer(get_object_or_404(User.objects.select_related("team"), pk=user_id)).data)

    @extend_schema(request=UserUpdateInputSerializer, responses={200: UserOutputSerializer})
    def patch(self, request: Request, user_id: int) -> Response:
        user = get_object_or_404(User, pk=user_id)
        serializer = self.UserUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, Any] = _team_from_input(dict(serializer.validated_data))
        return Response(UserOutputSerializer(user_update(user=user, acting_user=request.user, **changes)).data)
