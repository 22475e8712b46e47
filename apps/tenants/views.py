from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityRequiredMixin
from apps.tenants.forms import CompanySettingsForm
from apps.tenants.services import company_update_settings


class CompanySettingsView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_company_settings)

    def get(self, request: HttpRequest) -> HttpResponse:
        tenant = connection.tenant
        form = CompanySettingsForm(
            initial={"name": tenant.name, "language": tenant.language, "time_zone": tenant.time_zone}
        )
        return render(request, "tenants/company_settings.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CompanySettingsForm(request.POST)
        if not form.is_valid():
            return render(request, "tenants/company_settings.html", {"form": form}, status=400)
        company_update_settings(tenant=connection.tenant, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Company settings saved."))
        return redirect("tenants:settings")
