"""The company dashboard's PDF and its read-only shared links in the API (docs/leadership-report.md).

Both read the dashboard's filters exactly as the dashboard page does (DashboardFilterForm, which builds
its figures through `metric_filter_for`), so a scoped manager's PDF and links are of their locations.
Managers and admins, as the page; an admin lists and revokes every link of the company, a manager their own.
"""

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_view_dashboards
from apps.accounts.models import User
from apps.core.access import CapabilityApiMixin
from apps.core.db_routing import replica_reads
from apps.core.exceptions import DomainError
from apps.core.renderers import PdfRenderer
from apps.core.request_memo import read_scope
from apps.dashboards.forms import FILTER_FIELDS, PERIOD_CHOICES, DashboardFilterForm
from apps.dashboards.models import DashboardShareLink
from apps.dashboards.selectors import company_dashboard
from apps.dashboards.selectors.choices import FilterChoices, filter_choices
from apps.dashboards.selectors.sharing import (
    SHARE_DAYS_DEFAULT,
    SHARE_DAYS_MAX,
    ShareStatus,
    share_link_list,
    share_link_status,
)
from apps.dashboards.services import share_link_create, share_link_revoke
from apps.tenants.selectors import company_today, company_url

SHARE_LINK_STATUSES = [item.value for item in ShareStatus]


class DashboardFilterSerializer(serializers.Serializer):
    """The company dashboard's filters, as its page takes them."""

    period = serializers.ChoiceField(
        choices=[code for code, _label in PERIOD_CHOICES],
        required=False,
        help_text="30, 90 or 365: the last so many days; year: since New Year; custom: start to end. "
        "Default: 90, or custom when start or end is given.",
    )
    start = serializers.DateField(required=False, help_text="First day of a custom period (company time).")
    end = serializers.DateField(required=False, help_text="Last day of a custom period, included (at most 3 years).")
    path = serializers.IntegerField(required=False, min_value=1, help_text="Service path id.")
    persona = serializers.IntegerField(
        required=False, min_value=1, help_text="Buyer persona id (not for a manager scoped to locations)."
    )
    segment = serializers.IntegerField(
        required=False, min_value=1, help_text="Customer segment id (not for a manager scoped to locations)."
    )
    location = serializers.IntegerField(required=False, min_value=1, help_text="Location id.")
    region = serializers.IntegerField(
        required=False, min_value=1, help_text="Region id: its locations and those of the regions below it."
    )


def _form_data(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = values.get(name)
        if value not in (None, ""):
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def dashboard_filter_form(
    *, values: dict[str, Any], user: User, today: dt.date, choices: FilterChoices
) -> DashboardFilterForm:
    """The dashboard page's filter form over the API's values; a 400 with the field messages when invalid.

    The form leaves out what this caller is not offered (places in a company without any; a persona or a
    segment for a scoped manager): a value given for one of those is an error here, not ignored."""
    data = _form_data(values)
    form = DashboardFilterForm(data, today=today, choices=choices, user=user)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        for field, messages in form.errors.items():
            if field == "__all__":
                # The one form-wide error is a scoped manager's persona or segment: name the field.
                field = "persona" if data.get("persona") and form.audience_refused else field
                field = "segment" if field == "__all__" and form.audience_refused else field
            errors["non_field_errors" if field == "__all__" else field] = [str(message) for message in messages]
    if "location" in data and "location" not in form.fields:
        errors.setdefault("location", [_("No such location.")])
    if "region" in data and "region" not in form.fields:
        errors.setdefault("region", [_("No such region.")])
    if errors:
        raise serializers.ValidationError(errors)
    return form


class DashboardReportPdfApi(CapabilityApiMixin, APIView):
    """The company dashboard as a PDF, as its "Download PDF" button makes it: the score tiles, the NPS trend
    and its table, and the service paths, for a period and a cut. A manager scoped to some locations gets
    the figures of their locations."""

    capability = staticmethod(can_view_dashboards)
    renderer_classes = [JSONRenderer, PdfRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            # An unknown `format` is a wrong value of a documented parameter here, not a missing object.
            formats = serializers.ChoiceField(choices=[renderer.format for renderer in self.renderer_classes])
            try:
                formats.run_validation(request.query_params.get("format"))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"format": error.detail}) from None
            raise

    @extend_schema(
        operation_id="dashboard_report_pdf",
        parameters=[DashboardFilterSerializer],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report.")},
    )
    @replica_reads()
    def get(self, request: Request) -> HttpResponse:
        # fpdf2 is imported on the first PDF, not with the URLconf (as the dashboard page does).
        from apps.dashboards.report_pdf import company_report_heading, dashboard_pdf, pdf_response

        params = DashboardFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        with read_scope():
            today = company_today()
            choices = filter_choices()
            form = dashboard_filter_form(values=params.validated_data, user=request.user, today=today, choices=choices)
            period = form.view_period()
            data = company_dashboard(filters=period, today=today, user=request.user, choices=choices)
        heading = company_report_heading(period=period.label, cut=form.cut_lines(), today=today)
        return pdf_response(
            document=dashboard_pdf(dashboard=data, heading=heading),
            company=connection.tenant.name,
            view="dashboard",
            today=today,
        )


class ShareLinkOutputSerializer(serializers.ModelSerializer):
    created_by_name = serializers.CharField(source="created_by.get_full_name", help_text="Who made it.")
    status = serializers.SerializerMethodField(
        help_text="open: the link opens; gone: expired, revoked, or its maker no longer sees the dashboards."
    )

    class Meta:
        model = DashboardShareLink
        fields = [
            "id",
            "status",
            "cut",
            "query",
            "created_by",
            "created_by_name",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
        extra_kwargs = {
            "cut": {"help_text": "The filters in words."},
            "query": {"help_text": "The dashboard's filters the link keeps, as a query string."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=SHARE_LINK_STATUSES))
    def get_status(self, link: DashboardShareLink) -> str:
        return share_link_status(link=link).value


class ShareLinkCreatedOutputSerializer(ShareLinkOutputSerializer):
    url = serializers.URLField(
        help_text="The link, with its token. Shown this once: only the token's hash is kept, so it cannot be "
        "read again."
    )

    class Meta(ShareLinkOutputSerializer.Meta):
        fields = [*ShareLinkOutputSerializer.Meta.fields, "url"]


class ShareLinkInputSerializer(DashboardFilterSerializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=SHARE_DAYS_MAX,
        required=False,
        default=SHARE_DAYS_DEFAULT,
        help_text=f"How many days the link opens: 1 to {SHARE_DAYS_MAX}.",
    )


class ShareLinkListApi(CapabilityApiMixin, generics.ListAPIView):
    """Read-only links to the company dashboard, newest first: an admin sees every link of the company,
    a manager their own."""

    capability = staticmethod(can_view_dashboards)
    serializer_class = ShareLinkOutputSerializer

    def get_queryset(self) -> QuerySet[DashboardShareLink]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DashboardShareLink.objects.none()
        return share_link_list(user=self.request.user)

    @extend_schema(request=ShareLinkInputSerializer, responses={201: ShareLinkCreatedOutputSerializer})
    def post(self, request: Request) -> Response:
        """Make a link to the dashboard with these filters, for your scope as it is now; anyone with the
        link sees the figures without signing in until it expires or is revoked. Audit-logged."""
        serializer = ShareLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = dashboard_filter_form(
            values=serializer.validated_data, user=request.user, today=company_today(), choices=filter_choices()
        )
        link, token = share_link_create(
            user=request.user,
            query=form.query(),
            cut=" · ".join(form.cut_lines()),
            days=serializer.validated_data["days"],
        )
        link.url = company_url(tenant=connection.tenant, path=reverse("shared:dashboard", args=[token]))
        return Response(ShareLinkCreatedOutputSerializer(link).data, status=status.HTTP_201_CREATED)


class ShareLinkDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_view_dashboards)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, link_id: int) -> Response:
        """Revoke a link: it stops opening at once. An admin may revoke any of the company's, a manager
        their own (another's is a 404). Audit-logged."""
        try:
            share_link_revoke(user=request.user, link_id=link_id)
        except DomainError as error:
            if error.code == "not_found":
                raise Http404 from None
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)
