from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityApiMixin
from apps.tenants.models import Tenant
from apps.tenants.selectors import company_branding
from apps.tenants.services import company_branding_update, company_logo_remove, company_logo_replace


class CompanyBrandingSerializer(serializers.Serializer):
    brand_colour = serializers.CharField(
        max_length=20, allow_blank=True, required=False, help_text='"#rrggbb"; empty restores the default.'
    )
    button_text_colour = serializers.CharField(
        read_only=True, help_text="White or black: whichever has more contrast on the brand colour (WCAG 2.x)."
    )
    sender_name = serializers.CharField(
        max_length=200, allow_blank=True, required=False, help_text="From display name; empty: the company's name."
    )
    reply_to = serializers.CharField(max_length=254, allow_blank=True, required=False)
    logo_url = serializers.CharField(read_only=True, help_text="Empty without a logo.")
    logo_width = serializers.IntegerField(read_only=True, allow_null=True, help_text="Shown width in CSS pixels.")
    logo_height = serializers.IntegerField(read_only=True, allow_null=True, help_text="Shown height in CSS pixels.")


class CompanyLogoUploadSerializer(serializers.Serializer):
    logo = serializers.FileField(help_text="PNG, JPEG or WebP, at most 2 MB; stored re-encoded as PNG.")


_WRITABLE = ("brand_colour", "sender_name", "reply_to")


def _branding_data(tenant: Tenant) -> dict[str, object]:
    branding = company_branding(tenant=tenant)
    return {
        "brand_colour": tenant.brand_colour,
        "button_text_colour": branding.button_text,
        "sender_name": tenant.sender_name,
        "reply_to": tenant.reply_to,
        "logo_url": branding.logo_url,
        "logo_width": branding.logo_width,
        "logo_height": branding.logo_height,
    }


class CompanyBrandingApi(CapabilityApiMixin, APIView):
    """The company's brand colour, sender name and reply-to address; the logo has its own operation."""

    capability = staticmethod(can_manage_company_settings)

    @extend_schema(responses={200: CompanyBrandingSerializer})
    def get(self, request: Request) -> Response:
        return Response(CompanyBrandingSerializer(_branding_data(connection.tenant)).data)

    @extend_schema(request=CompanyBrandingSerializer, responses={200: CompanyBrandingSerializer})
    def patch(self, request: Request) -> Response:
        serializer = CompanyBrandingSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tenant = connection.tenant
        values = {name: serializer.validated_data.get(name, getattr(tenant, name)) for name in _WRITABLE}
        tenant = company_branding_update(tenant=tenant, acting_user=request.user, **values)
        return Response(CompanyBrandingSerializer(_branding_data(tenant)).data)


class CompanyLogoApi(CapabilityApiMixin, APIView):
    """Upload (multipart, field `logo`) or remove the company's logo."""

    capability = staticmethod(can_manage_company_settings)
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": CompanyLogoUploadSerializer}, responses={200: CompanyBrandingSerializer}
    )
    def put(self, request: Request) -> Response:
        serializer = CompanyLogoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["logo"]
        tenant = company_logo_replace(
            tenant=connection.tenant, upload=upload, size=upload.size, acting_user=request.user
        )
        return Response(CompanyBrandingSerializer(_branding_data(tenant)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        company_logo_remove(tenant=connection.tenant, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
