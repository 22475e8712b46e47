from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_erase_customers, can_export_personal_data
from apps.audit.models import AuditSource
from apps.core.access import CapabilityRequiredMixin
from apps.customers.models import Customer
from apps.customers.selectors import customers_visible
from apps.privacy.erasure import customer_erase
from apps.privacy.forms import CustomerEraseForm
from apps.privacy.selectors import personal_data_export_get
from apps.privacy.services import ExportExpired, personal_data_export_create, personal_data_export_download


class PersonalDataExportCreateView(CapabilityRequiredMixin, View):
    """Prepare the customer's personal data as a zip, kept for a limited time, and offer it for download."""

    capability = staticmethod(can_export_personal_data)

    def post(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        language = request.POST.get("language") or None
        export = personal_data_export_create(customer=customer, created_by=request.user, language=language)
        messages.success(request, _("The personal data file is ready to download."))
        url = reverse("customers:detail", kwargs={"customer_id": customer.pk})
        return redirect(f"{url}?prepared={export.pk}#personal-data")


class PersonalDataExportDownloadView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_export_personal_data)

    def get(self, request: HttpRequest, customer_id: int, export_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        export = personal_data_export_get(customer_id=customer.pk, export_id=export_id)
        if export is None:
            raise Http404
        try:
            content = personal_data_export_download(export=export, user=request.user)
        except ExportExpired as error:
            context = {"customer": export.customer, "message": error.message, "language": get_language()}
            return render(request, "privacy/export_expired.html", context, status=410)
        response = HttpResponse(content, content_type="application/zip")
        stamp = timezone.localtime(export.created_at).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{customer_id}-{stamp}.zip"'
        response["Cache-Control"] = "no-store"
        return response


class CustomerEraseView(CapabilityRequiredMixin, View):
    """Erase the customer's personal data, after the user has typed the customer's number."""

    capability = staticmethod(can_erase_customers)

    def get(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        return self._render(request, customer, CustomerEraseForm(customer=customer))

    def post(self, request: HttpRequest, customer_id: int) -> HttpResponse:
        customer = get_object_or_404(customers_visible(user=request.user), pk=customer_id)
        form = CustomerEraseForm(request.POST, customer=customer)
        if customer.is_erased:
            return redirect("customers:detail", customer_id=customer.pk)
        if not form.is_valid():
            return self._render(request, customer, form, status=400)
        customer_erase(customer=customer, acting_user=request.user, source=AuditSource.WEB)
        messages.success(request, _("The customer's personal data was erased."))
        return redirect("customers:detail", customer_id=customer.pk)

    def _render(
        self, request: HttpRequest, customer: Customer, form: CustomerEraseForm, status: int = 200
    ) -> HttpResponse:
        return render(request, "customers/customer_erase.html", {"customer": customer, "form": form}, status=status)
