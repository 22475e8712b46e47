from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.tenants.colour_contrast import contrast_ratio
from apps.tenants.forms import CompanyBrandingForm, CompanySettingsForm
from apps.tenants.selectors import company_branding, logo_name_of
from apps.tenants.services import (
    company_branding_update,
    company_logo_remove,
    company_logo_replace,
    company_update_settings,
)


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


class CompanyBrandingView(CapabilityRequiredMixin, View):
    """Logo, colour, sender name and reply-to of the customers' survey pages and emails."""

    capability = staticmethod(can_manage_company_settings)

    def _render(self, request: HttpRequest, *, form: CompanyBrandingForm, status: int = 200) -> HttpResponse:
        # The request's company, read afresh for it (apps/tenants/middleware.py): what is saved now.
        branding = company_branding(tenant=connection.tenant)
        context = {
            "form": form,
            "branding": branding,
            "button_contrast": contrast_ratio(branding.colour, branding.button_text),
            "colour_is_dark_enough_for_text": branding.colour_text == branding.colour,
        }
        return render(request, "tenants/company_branding.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        tenant = connection.tenant
        initial = {"brand_colour": tenant.brand_colour, "sender_name": tenant.sender_name, "reply_to": tenant.reply_to}
        return self._render(request, form=CompanyBrandingForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CompanyBrandingForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form=form, status=400)
        data = form.cleaned_data
        try:
            # One change: a bad logo leaves the colour and names as they were too.
            with transaction.atomic():
                tenant = company_branding_update(
                    tenant=connection.tenant,
                    brand_colour=data["brand_colour"],
                    sender_name=data["sender_name"],
                    reply_to=data["reply_to"],
                    acting_user=request.user,
                )
                if data["logo"]:
                    company_logo_replace(
                        tenant=tenant, upload=data["logo"], size=data["logo"].size, acting_user=request.user
                    )
                elif data["remove_logo"]:
                    company_logo_remove(tenant=tenant, acting_user=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
            return self._render(request, form=form, status=400)
        messages.success(request, _("Branding saved."))
        return redirect("tenants:branding")


@login_not_required
@require_safe
def company_logo_view(request: HttpRequest, name: str) -> FileResponse:
    """The company's current logo, for its survey pages and the emails customers open, signed in or not.

    Only the logo this company shows now: the name of another company's (or an old) logo is a 404
    here, on this company's domain, even though the files share one storage.
    """
    tenant = connection.tenant  # read afresh for every request (apps/tenants/middleware.py)
    if not tenant.logo or name != logo_name_of(tenant=tenant):
        raise Http404
    try:
        file = default_storage.open(tenant.logo, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type="image/png")
    # The name changes with every upload, so a copy never goes stale.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@login_not_required
@require_safe
def company_colours_view(request: HttpRequest) -> HttpResponse:
    """The company's colours as CSS custom properties, for its survey pages.

    A stylesheet rather than a <style> element with the request's CSP nonce: the customers' pages
    stay the same bytes for every visitor (an unknown and a used survey link must look alike).
    """
    branding = company_branding(tenant=connection.tenant, site="")
    css = (
        f":root {{ --brand: {branding.colour}; --brand-ink: {branding.button_text}; "
        f"--brand-text: {branding.colour_text}; }}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The pages name the colours' version in the address, so that copy never goes stale; any other
    # address is asked again.
    current = request.GET.get("v") == branding.colours_version
    response["Cache-Control"] = "public, max-age=31536000, immutable" if current else "no-cache"
    return response
