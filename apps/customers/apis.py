from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityApiMixin
from apps.core.exceptions import DomainError
from apps.core.json_values import datetime_text
from apps.core.pagination import StandardPagination
from apps.customers.consent import customer_consent_record
from apps.customers.models import (
    CONSENT_SOURCES_GIVEN_BY_CLIENTS,
    ConsentEvent,
    ConsentKind,
    ConsentSource,
    Customer,
    Language,
    Segment,
)
from apps.customers.selectors import (
    customer_consent_history,
    customer_list,
    customer_list_rows,
    customers_visible,
    segment_list,
)
from apps.customers.services import customer_create, customer_update, segment_get_or_create
from apps.personas.models import BuyerPersona


class SegmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ["id", "name"]


class CustomerOutputSerializer(serializers.ModelSerializer):
    segment = serializers.CharField(source="segment.name", default=None, allow_null=True, read_only=True)
    persona = serializers.IntegerField(source="persona_id", allow_null=True, read_only=True)
    persona_name = serializers.CharField(source="persona.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "phone_normalized",
            "language",
            "segment",
            "persona",
            "persona_name",
            "survey_consent",
            "consent_given_at",
            "consent_source",
            "unsubscribed",
            "unsubscribed_at",
            "sms_stopped",
            "external_id",
            "erased_at",
            "created_at",
            "updated_at",
        ]


class ConsentEventOutputSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.get_full_name", default=None, allow_null=True, read_only=True)
    wording_version = serializers.IntegerField(source="wording.version", read_only=True)
    encounter_id = serializers.IntegerField(source="encounter_ref", allow_null=True, read_only=True)
    import_id = serializers.IntegerField(source="import_ref", allow_null=True, read_only=True)
    invitation_id = serializers.IntegerField(source="invitation_ref", allow_null=True, read_only=True)

    class Meta:
        model = ConsentEvent
        fields = [
            "id",
            "kind",
            "at",
            "source",
            "actor",
            "actor_name",
            "wording_version",
            "encounter_id",
            "import_id",
            "invitation_id",
            "migrated",
        ]
        read_only_fields = fields


class CustomerDetailOutputSerializer(CustomerOutputSerializer):
    """A customer with their consent ledger, newest first (read-only: changes go to .../consent/)."""

    consent_history = serializers.SerializerMethodField()

    class Meta(CustomerOutputSerializer.Meta):
        fields = [*CustomerOutputSerializer.Meta.fields, "consent_history"]

    @extend_schema_field(ConsentEventOutputSerializer(many=True))
    def get_consent_history(self, customer: Customer) -> list[dict[str, Any]]:
        return ConsentEventOutputSerializer(customer_consent_history(customer=customer), many=True).data


def customer_list_output(row: dict[str, Any]) -> dict[str, Any]:
    """CustomerOutputSerializer's output from a row of `customer_list_rows`, without a model instance
    or a field object per value (tests/customers/test_customers.py holds the two equal)."""
    return {
        "id": row["id"],
        "full_name": row["full_name"],
        "email": row["email"],
        "phone": row["phone"],
        "phone_normalized": row["phone_normalized"],
        "language": row["language"],
        "segment": row["segment__name"],
        "persona": row["persona_id"],
        "persona_name": row["persona__name"],
        "survey_consent": row["survey_consent"],
        "consent_given_at": datetime_text(row["consent_given_at"]),
        "consent_source": row["consent_source"],
        "unsubscribed": row["unsubscribed"],
        "unsubscribed_at": datetime_text(row["unsubscribed_at"]),
        "sms_stopped": row["sms_stopped"],
        "external_id": row["external_id"],
        "erased_at": datetime_text(row["erased_at"]),
        "created_at": datetime_text(row["created_at"]),
        "updated_at": datetime_text(row["updated_at"]),
    }


class CustomerInputSerializer(serializers.Serializer):
    """`segment` is a name (created if new); `persona` an id. Email or phone is required."""

    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    segment = serializers.CharField(max_length=80, required=False, allow_blank=True, allow_null=True)
    persona = serializers.PrimaryKeyRelatedField(queryset=BuyerPersona.objects.all(), required=False, allow_null=True)
    survey_consent = serializers.BooleanField(required=False)
    consent_source = serializers.ChoiceField(
        choices=CONSENT_SOURCES_GIVEN_BY_CLIENTS, required=False, default=ConsentSource.API
    )
    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)


def _service_arguments(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "segment" in data:
        data["segment"] = segment_get_or_create(name=data["segment"]) if data["segment"] else None
    return data


class CustomerListApi(CapabilityApiMixin, generics.ListAPIView):
    """List customers (paginated; `search` matches name, email or phone) or add one."""

    capability = staticmethod(can_manage_cx_model)
    serializer_class = CustomerOutputSerializer
    pagination_class = StandardPagination
    paginator: StandardPagination

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, help_text="Part of a name, an email or a phone number.")
        segment = serializers.IntegerField(required=False, help_text="Segment id.")
        persona = serializers.IntegerField(required=False, help_text="Persona id.")
        consent = serializers.BooleanField(required=False, allow_null=True, default=None)
        unsubscribed = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_queryset(self) -> QuerySet[Customer]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return customer_list(
            user=self.request.user,
            search=data.get("search", ""),
            segment_id=data.get("segment"),
            persona_id=data.get("persona"),
            consent=data.get("consent"),
            unsubscribed=data.get("unsubscribed"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page is read as plain rows and written without a serializer per row (the
        # serializer is the schema); the count is on the filtered customers alone.
        page = self.paginator.page_slice(self.get_queryset(), request)
        return self.paginator.get_paginated_response([customer_list_output(row) for row in customer_list_rows(page)])

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = CustomerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = customer_create(**_service_arguments(serializer.validated_data), created_by=request.user)
        return Response(CustomerOutputSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_manage_cx_model)

    @extend_schema(responses={200: CustomerDetailOutputSerializer})
    def get(self, request: Request, customer_id: int) -> Response:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        return Response(CustomerDetailOutputSerializer(customer).data)

    @extend_schema(request=CustomerInputSerializer, responses={200: CustomerDetailOutputSerializer})
    def patch(self, request: Request, customer_id: int) -> Response:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        if customer.is_erased:
            raise DomainError(
                _("This customer's personal data was erased; the customer cannot be edited."), code="erased"
            )
        serializer = CustomerInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = _service_arguments(serializer.validated_data)
        if "survey_consent" in data:
            # A partial update applies no defaults: a change of consent through the API is source `api` unless named.
            data.setdefault("consent_source", ConsentSource.API)
        else:
            data.pop("consent_source", None)
        customer = customer_update(customer=customer, consent_actor=request.user, **data)
        return Response(CustomerDetailOutputSerializer(customer).data)


class CustomerConsentRecordApi(CapabilityApiMixin, APIView):
    """Record a change of the customer's consent (source `api` unless another channel is named).

    201 with the customer when the change was recorded; 200 when it changes nothing (consent
    given to a customer who has it, an unsubscribe of one already unsubscribed): no event.
    """

    capability = staticmethod(can_manage_cx_model)

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ConsentKind.choices)
        source = serializers.ChoiceField(choices=CONSENT_SOURCES_GIVEN_BY_CLIENTS, default=ConsentSource.API)
        at = serializers.DateTimeField(required=False, help_text="When it happened; now if not given.")
        wording_version = serializers.IntegerField(
            required=False, min_value=1, help_text="The consent wording the customer saw; the current one if not given."
        )

    @extend_schema(
        request=InputSerializer, responses={200: CustomerDetailOutputSerializer, 201: CustomerDetailOutputSerializer}
    )
    def post(self, request: Request, customer_id: int) -> Response:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = customer_consent_record(customer=customer, actor=request.user, **serializer.validated_data)
        return Response(
            CustomerDetailOutputSerializer(customer).data,
            status=status.HTTP_201_CREATED if event is not None else status.HTTP_200_OK,
        )


class SegmentListApi(CapabilityApiMixin, generics.ListAPIView):
    """The company's customer segments (for the `segment` filter of the customer list)."""

    capability = staticmethod(can_manage_cx_model)
    serializer_class = SegmentOutputSerializer

    def get_queryset(self) -> QuerySet[Segment]:
        return segment_list()
