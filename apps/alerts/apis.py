"""The alerts API: destinations (a signed webhook's secret only in the answer that makes or renews it),
rules, each destination's delivery log, and the replay of a delivery. Admins and unscoped managers."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_alerts
from apps.alerts.models import AlertDelivery, AlertRule, Destination, DestinationKind, RuleKind
from apps.alerts.selectors import delivery_get, delivery_list, destination_get, destination_list, rule_get, rule_list
from apps.alerts.services.alert_rules import rule_create, rule_update
from apps.alerts.services.deliveries import delivery_replay
from apps.alerts.services.destinations import destination_create, destination_secret_regenerate, destination_update
from apps.core.access import CapabilityApiMixin
from apps.journeys.models import Touchpoint
from apps.locations.models import Location


class DestinationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Destination
        fields = ["id", "name", "kind", "emails", "url", "active", "created_at"]


class DestinationCreatedSerializer(DestinationOutputSerializer):
    class Meta(DestinationOutputSerializer.Meta):
        fields = [*DestinationOutputSerializer.Meta.fields, "secret"]


class DestinationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=DestinationKind.choices)
    emails = serializers.ListField(child=serializers.EmailField(), required=False, default=list)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")


class DestinationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    emails = serializers.ListField(child=serializers.EmailField(), required=False, default=list)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)


def _destination(destination_id: int) -> Destination:
    destination = destination_get(destination_id=destination_id)
    if destination is None:
        raise Http404
    return destination


class DestinationListApi(CapabilityApiMixin, generics.ListAPIView):
    """List the alert destinations, or add one (a signed webhook's answer holds its secret, this once)."""

    capability = staticmethod(can_manage_alerts)
    serializer_class = DestinationOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Destination]:
        return destination_list()

    @extend_schema(request=DestinationInputSerializer, responses={201: DestinationCreatedSerializer})
    def post(self, request: Request) -> Response:
        serializer = DestinationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        destination = destination_create(
            name=data["name"], kind=data["kind"], emails="\n".join(data["emails"]), url=data["url"], actor=request.user
        )
        return Response(DestinationCreatedSerializer(destination).data, status=status.HTTP_201_CREATED)


class DestinationDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_manage_alerts)

    @extend_schema(responses={200: DestinationOutputSerializer})
    def get(self, request: Request, destination_id: int) -> Response:
        return Response(DestinationOutputSerializer(_destination(destination_id)).data)

    @extend_schema(request=DestinationUpdateSerializer, responses={200: DestinationOutputSerializer})
    def put(self, request: Request, destination_id: int) -> Response:
        destination = _destination(destination_id)
        serializer = DestinationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        destination = destination_update(
            destination=destination,
            name=data["name"],
            emails="\n".join(data["emails"]),
            url=data["url"],
            active=data["active"],
            actor=request.user,
        )
        return Response(DestinationOutputSerializer(destination).data)


class DestinationSecretApi(CapabilityApiMixin, APIView):
    """A new signing secret for a signed webhook, in this answer only; the old one stops working."""

    capability = staticmethod(can_manage_alerts)

    @extend_schema(request=None, responses={200: DestinationCreatedSerializer})
    def post(self, request: Request, destination_id: int) -> Response:
        destination = _destination(destination_id)
        destination_secret_regenerate(destination=destination, actor=request.user)
        return Response(DestinationCreatedSerializer(destination).data)


class RuleOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertRule
        fields = ["id", "name", "kind", "threshold", "touchpoint", "location", "destinations", "active", "created_at"]


class RuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    threshold = serializers.IntegerField(min_value=0, max_value=10, default=4)
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), required=False, allow_null=True, default=None
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(), required=False, allow_null=True, default=None
    )
    destinations = serializers.PrimaryKeyRelatedField(queryset=Destination.objects.all(), many=True)
    active = serializers.BooleanField(default=True)


class RuleUpdateSerializer(RuleInputSerializer):
    """A rule's kind is fixed once made."""

    kind = None


class RuleListApi(CapabilityApiMixin, generics.ListAPIView):
    """List the alert rules, or add one."""

    capability = staticmethod(can_manage_alerts)
    serializer_class = RuleOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[AlertRule]:
        return rule_list()

    @extend_schema(request=RuleInputSerializer, responses={201: RuleOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = RuleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule = rule_create(
            name=data["name"],
            kind=data["kind"],
            threshold=data["threshold"],
            touchpoint=data["touchpoint"],
            location=data["location"],
            destinations=data["destinations"],
            actor=request.user,
        )
        return Response(RuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_manage_alerts)

    def _rule(self, rule_id: int) -> AlertRule:
        rule = rule_get(rule_id=rule_id)
        if rule is None:
            raise Http404
        return rule

    @extend_schema(responses={200: RuleOutputSerializer})
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(RuleOutputSerializer(self._rule(rule_id)).data)

    @extend_schema(request=RuleUpdateSerializer, responses={200: RuleOutputSerializer})
    def put(self, request: Request, rule_id: int) -> Response:
        rule = self._rule(rule_id)
        serializer = RuleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule = rule_update(
            rule=rule,
            name=data["name"],
            threshold=data["threshold"],
            touchpoint=data["touchpoint"],
            location=data["location"],
            destinations=data["destinations"],
            active=data["active"],
            actor=request.user,
        )
        return Response(RuleOutputSerializer(rule).data)


class DeliveryOutputSerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.event_id")
    event_kind = serializers.CharField(source="event.kind")
    status = serializers.CharField(source="outbound.status")
    attempts = serializers.IntegerField(source="outbound.attempts")
    response_code = serializers.IntegerField(source="outbound.response_code", allow_null=True)
    last_error = serializers.CharField(source="outbound.last_error")
    sent_at = serializers.DateTimeField(source="outbound.sent_at", allow_null=True)

    class Meta:
        model = AlertDelivery
        fields = [
            "id",
            "event_id",
            "event_kind",
            "replay",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "sent_at",
        ]


class DeliveryListApi(CapabilityApiMixin, generics.ListAPIView):
    """One destination's delivery log, newest first."""

    capability = staticmethod(can_manage_alerts)
    serializer_class = DeliveryOutputSerializer

    def get_queryset(self) -> QuerySet[AlertDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return AlertDelivery.objects.none()
        return delivery_list(destination=_destination(self.kwargs["destination_id"]))


class DeliveryReplayApi(CapabilityApiMixin, APIView):
    """Send a delivery's event to its destination again, with the same event id."""

    capability = staticmethod(can_manage_alerts)

    @extend_schema(request=None, responses={202: DeliveryOutputSerializer(many=True)})
    def post(self, request: Request, destination_id: int, delivery_id: int) -> Response:
        delivery = delivery_get(destination=_destination(destination_id), delivery_id=delivery_id)
        if delivery is None:
            raise Http404
        replays = delivery_replay(delivery=delivery, actor=request.user)
        return Response(DeliveryOutputSerializer(replays, many=True).data, status=status.HTTP_202_ACCEPTED)
