from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from apps.accounts.capabilities import can_view_audit_log
from apps.audit.selectors import audit_log_list
from apps.audit_log.exporting import audit_log_export_rows, audit_log_export_start, csv_lines
from apps.audit_log.forms import AuditLogFilterForm
from apps.audit_log.presentation import audit_rows
from apps.core.access import CapabilityRequiredMixin
from apps.core.csv_export import csv_format_for
from apps.core.tenancy import company_time_zone

PAGE_SIZE = 50


class AuditLogView(CapabilityRequiredMixin, View):
    """Who did what in the company, newest first, with filters."""

    capability = staticmethod(can_view_audit_log)

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = AuditLogFilterForm(request.GET)
        valid = filters.is_valid()
        entries = audit_log_list(**filters.selector_filters()) if valid else audit_log_list().none()
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        with timezone.override(company_time_zone()):
            return render(
                request,
                "audit_log/audit_log.html",
                {
                    "filters": filters,
                    "page": page,
                    "rows": audit_rows(page.object_list),
                    "query": query.urlencode(),
                    "filtered": any(value for key, value in request.GET.items() if key != "page"),
                },
                status=200 if valid else 400,
            )


class AuditLogExportView(CapabilityRequiredMixin, View):
    """The filtered entries as CSV, streamed; the export is an entry of the log itself."""

    capability = staticmethod(can_view_audit_log)

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = AuditLogFilterForm(request.GET)
        if not filters.is_valid():
            return render(request, "audit_log/audit_log.html", {"filters": filters, "rows": []}, status=400)
        selector_filters = filters.selector_filters()
        entries = audit_log_export_start(acting_user=request.user, filters=selector_filters)
        delimiter = csv_format_for(request.GET.get("delimiter")).delimiter
        rows = audit_log_export_rows(entries=entries, zone=company_time_zone())
        response = StreamingHttpResponse(csv_lines(rows, delimiter=delimiter), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime(timezone=company_time_zone()).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        return response
