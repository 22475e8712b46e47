from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityRequiredMixin
from apps.core.csv_export import csv_format_for
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.customers.csv_format import csv_rows_write
from apps.customers.exporting import customer_export_log, customer_export_rows
from apps.customers.forms import CustomerFilterForm, CustomerForm, CustomerImportForm
from apps.customers.import_jobs import (
    IN_PROGRESS,
    customer_import_progress,
    customer_import_receive,
    customer_import_retry,
    customer_import_start,
)
from apps.customers.importing import customer_import_discard
from apps.customers.models import ConsentSource, CustomerImport, ImportStatus
from apps.customers.selectors import (
    customer_consent_history,
    customer_import_report,
    customer_list,
    customers_visible,
)
from apps.customers.services import customer_create, customer_unsubscribe, customer_update, segment_get_or_create
from apps.customers.timeline import TimelineKind, customer_timeline

PAGE_SIZE = 50
REPORT_ERRORS_SHOWN = 500


class CustomerListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = CustomerFilterForm(request.GET)
        customers = customer_list(user=request.user, **filters.selector_filters())
        page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "customers/customer_list.html",
            {
                "filters": filters,
                "page": page,
                "query": query.urlencode(),
                "filtered": any(value for key, value in request.GET.items() if key != "page"),
            },
        )


class CustomerExportView(CapabilityRequiredMixin, View):
    """The filtered list as CSV, in the app's CSV format (semicolons unless `?delimiter=comma`)."""

    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        filters = CustomerFilterForm(request.GET).selector_filters()
        customers = customer_list(user=request.user, **filters)
        customer_export_log(customers=customers, filters=filters, user=request.user)
        finnish = (get_language() or "fi").startswith("fi")
        delimiter = csv_format_for(request.GET.get("delimiter")).delimiter
        rows = customer_export_rows(customers=customers, finnish=finnish)
        response = StreamingHttpResponse(
            csv_rows_write(rows, delimiter=delimiter), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
        return response


class CustomerDetailView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        return render(
            request,
            "customers/customer_detail.html",
            {
                "customer": customer,
                "timeline": customer_timeline(customer=customer, user=request.user),
                "timeline_kinds": TimelineKind,
                "consent_history": customer_consent_history(customer=customer),
            },
        )


def _profile_fields(form: CustomerForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    new_segment = data.pop("new_segment", "")
    if new_segment:
        data["segment"] = segment_get_or_create(name=new_segment)
    return data


class CustomerCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "customers/customer_form.html", {"form": CustomerForm(), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CustomerForm(request.POST)
        if form.is_valid():
            try:
                customer = customer_create(**_profile_fields(form), created_by=request.user)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("%(customer)s was added.") % {"customer": customer})
                return redirect("customers:detail", customer_id=customer.pk)
        return render(request, "customers/customer_form.html", {"form": form, "editing": None}, status=400)


class CustomerUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        if customer.is_erased:
            messages.error(request, _("This customer's personal data was erased; the customer cannot be edited."))
            return redirect("customers:detail", customer_id=customer.pk)
        form = CustomerForm.for_customer(customer)
        return render(request, "customers/customer_form.html", {"form": form, "editing": customer})

    def post(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        if customer.is_erased:
            messages.error(request, _("This customer's personal data was erased; the customer cannot be edited."))
            return redirect("customers:detail", customer_id=customer.pk)
        form = CustomerForm(request.POST)
        if form.is_valid():
            try:
                customer_update(customer=customer, consent_actor=request.user, **_profile_fields(form))
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("customers:detail", customer_id=customer.pk)
        return render(request, "customers/customer_form.html", {"form": form, "editing": customer}, status=400)


class CustomerUnsubscribeView(CapabilityRequiredMixin, View):
    """Record that the customer asked (e.g. by phone) for no more surveys."""

    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = customer_unsubscribe(
            customer=get_object_or_404(customers_visible(user=request.user), pk=customer_id),
            source=ConsentSource.STAFF,
            actor=request.user,
        )
        messages.success(request, _("%(customer)s will get no more surveys.") % {"customer": customer})
        return redirect("customers:detail", customer_id=customer.pk)


class CustomerImportView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CustomerImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CustomerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        upload = form.cleaned_data["file"]
        customer_import = customer_import_receive(file_name=upload.name, content=upload.read(), created_by=request.user)
        return redirect("customers:import_report", import_id=customer_import.pk)

    def _render(self, request: HttpRequest, form: CustomerImportForm, status: int = 200) -> HttpResponse:
        recent = CustomerImport.objects.defer("content").select_related("created_by")[:10]
        return render(request, "customers/import_form.html", {"form": form, "recent": recent}, status=status)


class CustomerImportReportView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, import_id: int) -> HttpResponse:
        customer_import = get_object_or_404(CustomerImport.objects.defer("content"), pk=import_id)
        report = customer_import_report(customer_import, errors_limit=REPORT_ERRORS_SHOWN)
        in_progress = customer_import.status in IN_PROGRESS
        return render(
            request,
            "customers/import_report.html",
            {
                "customer_import": customer_import,
                "in_progress": in_progress,
                "progress": customer_import_progress(customer_import) if in_progress else None,
                "report": report,
                "errors": report["errors"],
                "errors_hidden": max(0, report["errors_total"] - REPORT_ERRORS_SHOWN),
                "statuses": ImportStatus,
            },
        )


class CustomerImportCommitView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, import_id: int) -> HttpResponse:
        customer_import = get_object_or_404(CustomerImport.objects.defer("content"), pk=import_id)
        try:
            customer_import_start(customer_import=customer_import, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("customers:import_report", import_id=import_id)


class CustomerImportRetryView(CapabilityRequiredMixin, View):
    """Start again a check or write whose worker stopped (nothing of the stopped attempt was written)."""

    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, import_id: int) -> HttpResponse:
        customer_import = get_object_or_404(CustomerImport.objects.defer("content"), pk=import_id)
        try:
            customer_import_retry(customer_import=customer_import, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("customers:import_report", import_id=import_id)


class CustomerImportDiscardView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, import_id: int) -> HttpResponse:
        try:
            customer_import_discard(customer_import=get_object_or_404(CustomerImport, pk=import_id), user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("customers:import_report", import_id=import_id)
        messages.success(request, _("Nothing was imported."))
        return redirect("customers:import")
