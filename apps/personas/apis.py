from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model, can_view_personas
from apps.core.access import Capability, CapabilityApiMixin
from apps.personas.models import BuyerPersona, InboundStage, PersonaColour, PersonaIcon
from apps.personas.selectors import persona_list
from apps.personas.services import persona_archive, persona_create, persona_update


class PersonaOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = BuyerPersona
        fields = [
            "id",
            "name",
            "description",
            "goals",
            "needs",
            "pains",
            "value_proposition",
            "inbound_stage",
            "icon",
            "colour",
            "initials",
            "is_active",
            "created_at",
            "updated_at",
        ]


class PersonaInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    goals = serializers.CharField(required=False, allow_blank=True, default="")
    needs = serializers.CharField(required=False, allow_blank=True, default="")
    pains = serializers.CharField(required=False, allow_blank=True, default="")
    value_proposition = serializers.CharField(required=False, allow_blank=True, default="")
    inbound_stage = serializers.ChoiceField(choices=InboundStage.choices, required=False, default=InboundStage.ATTRACT)
    icon = serializers.ChoiceField(choices=PersonaIcon.choices, required=False, default="")
    colour = serializers.ChoiceField(choices=PersonaColour.choices, required=False, default=PersonaColour.TEAL)


class PersonaUpdateInputSerializer(PersonaInputSerializer):
    is_active = serializers.BooleanField(required=False)


class _ReadForAllWriteForManagers:
    """Every member reads personas; only managers write them."""

    request: Request

    @property
    def capability(self) -> Capability:
        return can_view_personas if self.request.method in SAFE_METHODS else can_manage_cx_model


class PersonaListApi(_ReadForAllWriteForManagers, CapabilityApiMixin, generics.ListAPIView):
    """List personas (active only unless `include_archived`; filter by `inbound_stage`, `search`) or add one."""

    serializer_class = PersonaOutputSerializer

    class FilterSerializer(serializers.Serializer):
        inbound_stage = serializers.ChoiceField(choices=InboundStage.choices, required=False)
        search = serializers.CharField(required=False)
        include_archived = serializers.BooleanField(required=False, default=False)

    def get_queryset(self) -> QuerySet[BuyerPersona]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return persona_list(
            include_archived=data["include_archived"],
            stage=data.get("inbound_stage", ""),
            search=data.get("search", ""),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PersonaInputSerializer, responses={201: PersonaOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = PersonaInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        persona = persona_create(**serializer.validated_data)
        return Response(PersonaOutputSerializer(persona).data, status=status.HTTP_201_CREATED)


class PersonaDetailApi(_ReadForAllWriteForManagers, CapabilityApiMixin, APIView):
    """Read, change or archive one persona. DELETE archives: personas are never erased, so
    customer links and scores cut by persona stay valid; PATCH `is_active` restores."""

    @extend_schema(responses={200: PersonaOutputSerializer})
    def get(self, request: Request, persona_id: int) -> Response:
        return Response(PersonaOutputSerializer(get_object_or_404(BuyerPersona, pk=persona_id)).data)

    @extend_schema(request=PersonaUpdateInputSerializer, responses={200: PersonaOutputSerializer})
    def patch(self, request: Request, persona_id: int) -> Response:
        persona = get_object_or_404(BuyerPersona, pk=persona_id)
        serializer = PersonaUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        persona = persona_update(persona=persona, **serializer.validated_data)
        return Response(PersonaOutputSerializer(persona).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, persona_id: int) -> Response:
        persona_archive(persona=get_object_or_404(BuyerPersona, pk=persona_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
