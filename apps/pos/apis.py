"""The point-of-service API: open links and their posters, kiosks, and the figures of their answers.

The same rule as the pages (`can_manage_cx_model`: admins and managers); a manager scoped to some
locations sees and manages only the links and kiosks at those locations, and another one's is a 404.
A kiosk's pairing link is in the answer that creates it (or renews it) and nowhere else; its device
key and the hashes are never in any answer.
"""

import datetime as dt
from typing import Any

from django.db import connection
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityApiMixin
from apps.core.content_languages import CONTENT_LANGUAGES
from apps.core.renderers import PdfRenderer
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_list
from apps.locations.models import Location
from apps.pos.limits import REPORT_DAYS
from apps.pos.models import KioskDevice, OpenLink
from apps.pos.posters import PAGE_SIZES, open_link_poster
from apps.pos.selectors import (
    kiosk_get,
    kiosk_list,
    open_link_get,
    open_link_list,
    point_figures,
    touchpoint_open_survey,
)
from apps.pos.services import (
    kiosk_create,
    kiosk_pairing_renew,
    kiosk_revoke,
    open_link_get_or_create,
    open_link_update,
)


def _open_url(request: Request, link: OpenLink) -> str:
    return request.build_absolute_uri(reverse("pos_public:open", kwargs={"code": link.code}))


def _pairing_url(request: Request, token: str) -> str:
    return request.build_absolute_uri(reverse("pos_public:kiosk_pair", kwargs={"token": token}))


class OpenLinkOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The open survey's address: what the poster's QR code opens.")
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    location_name = serializers.CharField(source="location.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = OpenLink
        fields = [
            "id",
            "code",
            "url",
            "touchpoint",
            "touchpoint_name",
            "location",
            "location_name",
            "is_active",
            "created_at",
            "updated_at",
        ]

    def get_url(self, link: OpenLink) -> str:
        return _open_url(self.context["request"], link)


class _PlaceInputSerializer(serializers.Serializer):
    # A touchpoint on a path in use; it must have an active follow-up survey, the one the customers answer.
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=touchpoint_list().select_related(None), help_text="Touchpoint id (with an active follow-up survey)."
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Location id (in use; a scoped manager's own). Null: any location (not for a scoped manager).",
    )

    def validate_touchpoint(self, touchpoint: Touchpoint) -> Touchpoint:
        if touchpoint_open_survey(touchpoint=touchpoint) is None:
            raise serializers.ValidationError(_("This touchpoint has no active follow-up survey."))
        return touchpoint


class OpenLinkInputSerializer(_PlaceInputSerializer):
    pass


class OpenLinkUpdateInputSerializer(serializers.Serializer):
    is_active = serializers.BooleanField(help_text="false closes the link (its poster answers 'not available').")


def _link_or_404(request: Request, link_id: int) -> OpenLink:
    link = open_link_get(user=request.user, link_id=link_id)
    if link is None:
        raise Http404
    return link


class OpenLinkListApi(CapabilityApiMixin, generics.ListAPIView):
    """The open links (posters' QR codes and short links), or make one for a touchpoint at a location.

    One link per touchpoint and location: asking again for the same pair answers the existing link (200)."""

    capability = staticmethod(can_manage_cx_model)
    serializer_class = OpenLinkOutputSerializer

    class FilterSerializer(serializers.Serializer):
        touchpoint = serializers.IntegerField(required=False, help_text="Touchpoint id.")
        location = serializers.IntegerField(required=False, help_text="Location id.")
        active = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Open or closed.")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return OpenLink.objects.none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return open_link_list(
            user=self.request.user,
            touchpoint_id=data.get("touchpoint"),
            location_id=data.get("location"),
            active=data.get("active"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OpenLinkInputSerializer,
        responses={
            201: OpenLinkOutputSerializer,
            200: OpenApiResponse(OpenLinkOutputSerializer, description="The touchpoint's link there already."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = OpenLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = (
            open_link_list(user=request.user).filter(touchpoint=data["touchpoint"], location=data["location"]).exists()
        )
        link = open_link_get_or_create(
            touchpoint=data["touchpoint"], location=data["location"], created_by=request.user
        )
        link = _link_or_404(request, link.pk)
        return Response(
            OpenLinkOutputSerializer(link, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class OpenLinkDetailApi(CapabilityApiMixin, APIView):
    """One open link; PATCH `is_active` closes or reopens it, DELETE closes it (its answers stay)."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(responses={200: OpenLinkOutputSerializer})
    def get(self, request: Request, link_id: int) -> Response:
        link = _link_or_404(request, link_id)
        return Response(OpenLinkOutputSerializer(link, context={"request": request}).data)

    @extend_schema(request=OpenLinkUpdateInputSerializer, responses={200: OpenLinkOutputSerializer})
    def patch(self, request: Request, link_id: int) -> Response:
        link = _link_or_404(request, link_id)
        serializer = OpenLinkUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = open_link_update(link=link, is_active=serializer.validated_data["is_active"], acting_user=request.user)
        return Response(OpenLinkOutputSerializer(link, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, link_id: int) -> Response:
        open_link_update(link=_link_or_404(request, link_id), is_active=False, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpenLinkPosterApi(CapabilityApiMixin, APIView):
    """The printable poster of an open link as a PDF: A4 or A5, in Finnish, Swedish or English."""

    capability = staticmethod(can_manage_cx_model)
    renderer_classes = [JSONRenderer, PdfRenderer]

    class FilterSerializer(serializers.Serializer):
        size = serializers.ChoiceField(choices=sorted(PAGE_SIZES), required=False, default="a4")
        language = serializers.ChoiceField(
            choices=list(CONTENT_LANGUAGES), required=False, help_text="The company's language by default."
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The poster.")},
    )
    def get(self, request: Request, link_id: int) -> HttpResponse:
        link = _link_or_404(request, link_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        size = filters.validated_data["size"]
        language = filters.validated_data.get("language") or getattr(connection.tenant, "language", "fi")
        if language not in CONTENT_LANGUAGES:
            language = "fi"
        pdf = open_link_poster(
            link=link, company=connection.tenant.name, url=_open_url(request, link), size=size, language=language
        )
        if pdf is None:
            message = _("This touchpoint has no active follow-up survey.")
            raise serializers.ValidationError({"touchpoint": [message]})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="poster-{link.code}-{size}-{language}.pdf"'
        return response


class KioskOutputSerializer(serializers.ModelSerializer):
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    location_name = serializers.CharField(source="location.name", read_only=True, allow_null=True, default=None)
    status = serializers.SerializerMethodField(help_text="revoked, paired or waiting (for its pairing link).")

    class Meta:
        model = KioskDevice
        fields = [
            "id",
            "name",
            "touchpoint",
            "touchpoint_name",
            "location",
            "location_name",
            "status",
            "paired_at",
            "revoked_at",
            "last_seen_at",
            "pairing_expires_at",
            "idle_reset_seconds",
            "created_at",
        ]

    def get_status(self, kiosk: KioskDevice) -> str:
        if kiosk.revoked_at is not None:
            return "revoked"
        return "paired" if kiosk.key_hash else "waiting"


class KioskPairingOutputSerializer(KioskOutputSerializer):
    pairing_url = serializers.CharField(
        help_text="The one-time pairing link: open it on the tablet within 24 hours. Shown only in this answer."
    )

    class Meta(KioskOutputSerializer.Meta):
        fields = [*KioskOutputSerializer.Meta.fields, "pairing_url"]


class KioskInputSerializer(_PlaceInputSerializer):
    name = serializers.CharField(max_length=100, help_text='For example "Counter tablet, Kemi".')


def _kiosk_or_404(request: Request, kiosk_id: int) -> KioskDevice:
    kiosk = kiosk_get(user=request.user, kiosk_id=kiosk_id)
    if kiosk is None:
        raise Http404
    return kiosk


def _with_pairing(request: Request, kiosk_id: int, token: str) -> dict[str, Any]:
    kiosk = _kiosk_or_404(request, kiosk_id)
    kiosk.pairing_url = _pairing_url(request, token)  # type: ignore[attr-defined]
    return KioskPairingOutputSerializer(kiosk).data


class KioskListApi(CapabilityApiMixin, generics.ListAPIView):
    """The kiosks (revoked ones last), or add one: the answer carries its one-time pairing link, once."""

    capability = staticmethod(can_manage_cx_model)
    serializer_class = KioskOutputSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return KioskDevice.objects.none()
        return kiosk_list(user=self.request.user)

    @extend_schema(request=KioskInputSerializer, responses={201: KioskPairingOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = KioskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kiosk, token = kiosk_create(**serializer.validated_data, created_by=request.user)
        return Response(_with_pairing(request, kiosk.pk, token), status=status.HTTP_201_CREATED)


class KioskDetailApi(CapabilityApiMixin, APIView):
    """One kiosk; DELETE revokes it: its key and any pairing link stop at once, its answers stay."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(responses={200: KioskOutputSerializer})
    def get(self, request: Request, kiosk_id: int) -> Response:
        return Response(KioskOutputSerializer(_kiosk_or_404(request, kiosk_id)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, kiosk_id: int) -> Response:
        kiosk_revoke(kiosk=_kiosk_or_404(request, kiosk_id), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KioskPairingApi(CapabilityApiMixin, APIView):
    """A new one-time pairing link for a kiosk (a replaced tablet); the old key stops when the new one pairs."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(request=None, responses={200: KioskPairingOutputSerializer})
    def post(self, request: Request, kiosk_id: int) -> Response:
        kiosk = _kiosk_or_404(request, kiosk_id)
        token = kiosk_pairing_renew(kiosk=kiosk, acting_user=request.user)
        return Response(_with_pairing(request, kiosk.pk, token))


class PointFiguresSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    answers = serializers.IntegerField()
    with_contact = serializers.IntegerField(help_text="Answers whose customer left contact details.")
    nps_answers = serializers.IntegerField()
    nps = serializers.IntegerField(allow_null=True, help_text="-100..100; null without answers.")
    nps_margin = serializers.FloatField(allow_null=True, help_text="The 95 % margin, in NPS points.")
    nps_small_sample = serializers.BooleanField(help_text="Too few answers to trust the NPS.")
    csat_answers = serializers.IntegerField()
    csat = serializers.FloatField(allow_null=True, help_text="Share of 4s and 5s, in percent.")
    ces_answers = serializers.IntegerField()
    ces = serializers.FloatField(allow_null=True, help_text="Mean effort score, 1..7.")
    ces_easy = serializers.FloatField(allow_null=True, help_text="Share of 5-7, in percent.")
    bursts = serializers.IntegerField(help_text="Suspicious bursts: runs of answers from one address.")


class _FiguresFilter(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=366, required=False, default=REPORT_DAYS, help_text="The last this many days."
    )


def _figures(request: Request, **target: Any) -> dict[str, Any]:
    filters = _FiguresFilter(data=request.query_params)
    filters.is_valid(raise_exception=True)
    since = timezone.now() - dt.timedelta(days=filters.validated_data["days"])
    figures = point_figures(since=since, **target)
    return PointFiguresSerializer({"since": since, **vars(figures)}).data


class OpenLinkFiguresApi(CapabilityApiMixin, APIView):
    """The answers through one open link (the last 30 days unless `days`), apart from the invited figures."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(parameters=[_FiguresFilter], responses={200: PointFiguresSerializer})
    def get(self, request: Request, link_id: int) -> Response:
        return Response(_figures(request, open_link=_link_or_404(request, link_id)))


class KioskFiguresApi(CapabilityApiMixin, APIView):
    """The answers on one kiosk (the last 30 days unless `days`), apart from the invited figures."""

    capability = staticmethod(can_manage_cx_model)

    @extend_schema(parameters=[_FiguresFilter], responses={200: PointFiguresSerializer})
    def get(self, request: Request, kiosk_id: int) -> Response:
        return Response(_figures(request, kiosk=_kiosk_or_404(request, kiosk_id)))
