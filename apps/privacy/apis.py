from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_erase_customers, can_export_personal_data
from apps.audit.models import AuditSource
from apps.core.access import CapabilityApiMixin
from apps.core.renderers import ZipRenderer
from apps.customers.models import Language
from apps.customers.selectors import customers_visible
from apps.privacy.erasure import customer_erase
from apps.privacy.services import personal_data_document_export, personal_data_export_create


class PersonalDataDocumentSerializer(serializers.Serializer):
    """The schema of the export document (data.json of the zip); see docs/personal-data.md for every key."""

    format = serializers.CharField(help_text="The document's shape and version: kokemus.personal-data.v1.")
    generated_at = serializers.DateTimeField()
    company = serializers.CharField()
    customer = serializers.DictField(help_text="Name, email, phone, external id, language, segment, persona.")
    consent = serializers.DictField(help_text="Current consent to surveys and unsubscription, with times.")
    encounters = serializers.ListField(child=serializers.DictField(), help_text="Time, touchpoint, path, outcome.")
    invitations = serializers.ListField(child=serializers.DictField(), help_text="Status, send times, emails.")
    responses = serializers.ListField(child=serializers.DictField(), help_text="Each answer's question and score.")
    cases = serializers.ListField(
        child=serializers.DictField(),
        help_text=(
            "Status, reason (in the request's language; reason_code, reason_scores and a staff-written"
            " reason_text as stored), texts and events."
        ),
    )
    emails = serializers.ListField(child=serializers.DictField(), help_text="Emails to or about the customer.")
    imports = serializers.ListField(child=serializers.DictField(), help_text="Uploaded files' lines naming them.")
    exports = serializers.ListField(child=serializers.DictField(), help_text="Prepared copies and their expiry.")
    other_records = serializers.DictField(help_text="Other registered personal data, by model.")
    admin_changes = serializers.ListField(child=serializers.DictField(), help_text="The admin site's change log.")
    sources = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="The rows the document was read from: table name to primary keys.",
    )


class PersonalDataApi(CapabilityApiMixin, APIView):
    """Everything held about one customer, as JSON (GDPR access and portability). The read is audit-logged."""

    capability = staticmethod(can_export_personal_data)

    @extend_schema(responses={200: PersonalDataDocumentSerializer})
    def get(self, request: Request, customer_id: int) -> Response:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        return Response(personal_data_document_export(customer=customer, user=request.user, source=AuditSource.API))


class PersonalDataZipApi(CapabilityApiMixin, APIView):
    """The same as a zip (data.json, index.html, CSV files), kept for PERSONAL_DATA_EXPORT_TTL and audit-logged."""

    capability = staticmethod(can_export_personal_data)
    renderer_classes = [JSONRenderer, ZipRenderer]

    class FilterSerializer(serializers.Serializer):
        language = serializers.ChoiceField(
            choices=Language.choices, required=False, help_text="Of index.html; the customer's own by default."
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The zip file.")},
    )
    def get(self, request: Request, customer_id: int) -> HttpResponse:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        export = personal_data_export_create(
            customer=customer,
            created_by=request.user,
            language=filters.validated_data.get("language"),
            source=AuditSource.API,
        )
        response = HttpResponse(bytes(export.content), content_type="application/zip")
        stamp = timezone.localtime(export.created_at).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{customer.pk}-{stamp}.zip"'
        response["Cache-Control"] = "no-store"
        return response


class CustomerErasureOutputSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    erased_at = serializers.DateTimeField(help_text="When the customer was erased (the first time).")
    already_erased = serializers.BooleanField(
        help_text="True when the customer had been erased before: nothing changed."
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Rows changed per table, e.g. {"surveys.answer": 3}; empty when already erased.',
    )


class CustomerEraseApi(CapabilityApiMixin, APIView):
    """Erase the customer's personal data (GDPR Art. 17): name, email, phone, external ids, free-text
    answers, staff notes, case texts and their copies in emails, import files and history. Scores, times,
    touchpoints, persona, segment and language stay, so every figure stays the same. Final; idempotent."""

    capability = staticmethod(can_erase_customers)

    @extend_schema(request=None, responses={200: CustomerErasureOutputSerializer})
    def post(self, request: Request, customer_id: int) -> Response:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        result = customer_erase(customer=customer, acting_user=request.user, source=AuditSource.API)
        return Response(CustomerErasureOutputSerializer(result.as_dict()).data)
