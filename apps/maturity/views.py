from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.maturity.forms import MaturitySettingsForm
from apps.maturity.selectors import maturity_settings_get
from apps.maturity.services import maturity_settings_update


class MaturitySettingsView(CapabilityRequiredMixin, View):
    """The thresholds of the maturity rule, for the company's admins."""

    capability = staticmethod(can_manage_company_settings)
    template_name = "maturity/maturity_settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = MaturitySettingsForm(instance=maturity_settings_get())
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MaturitySettingsForm(request.POST, instance=maturity_settings_get())
        if form.is_valid():
            try:
                maturity_settings_update(
                    acting_user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
                )
            except DomainError as error:
                form_add_domain_error(form, error)
        if form.errors:
            return render(request, self.template_name, {"form": form}, status=400)
        messages.success(request, _("Maturity thresholds saved. The levels follow them at once."))
        return redirect("maturity:settings")
