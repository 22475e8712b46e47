from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityRequiredMixin
from apps.core.content_languages import content_language_get
from apps.core.exceptions import DomainError
from apps.onboarding.content import STARTER_TEMPLATES
from apps.onboarding.selectors import starter_choice_get, starter_template_preview
from apps.onboarding.services import starter_offer_skip, starter_template_take


def _language() -> str:
    """The reader's language for the template texts (Finnish, Swedish or English)."""
    return content_language_get((get_language() or "")[:2])


class StarterTemplateListView(CapabilityRequiredMixin, View):
    """The industry templates a company admin can start from, or skip."""

    capability = staticmethod(can_manage_company_settings)

    def get(self, request: HttpRequest) -> HttpResponse:
        language = _language()
        templates = [
            starter_template_preview(template=template, language=language, company_name=request.tenant.name)
            for template in STARTER_TEMPLATES.values()
        ]
        context = {"templates": templates, "choice": starter_choice_get(), "labels": _template_labels(language)}
        return render(request, "onboarding/template_list.html", context)


def _template_labels(language: str) -> dict[str, str]:
    return {key: template.label(language) for key, template in STARTER_TEMPLATES.items()}


class StarterTemplateDetailView(CapabilityRequiredMixin, View):
    """A preview of one template: the path's stages and touchpoints, the survey and the personas."""

    capability = staticmethod(can_manage_company_settings)

    def get(self, request: HttpRequest, template_key: str) -> HttpResponse:
        template = STARTER_TEMPLATES.get(template_key)
        if template is None:
            raise Http404
        language = _language()
        context = {
            "template": template,
            "preview": starter_template_preview(template=template, language=language, company_name=request.tenant.name),
            "language": language,
            "company_language": request.tenant.language,
            "choice": starter_choice_get(),
            "labels": _template_labels(language),
        }
        return render(request, "onboarding/template_detail.html", context)


class StarterTemplateTakeView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_company_settings)

    def post(self, request: HttpRequest, template_key: str) -> HttpResponse:
        try:
            _choice, written = starter_template_take(
                template_key=template_key,
                acting_user=request.user,
                company_name=request.tenant.name,
                language=request.tenant.language,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("onboarding:template_list")
        if not written:
            messages.info(request, _("The starter content has already been taken; nothing was added."))
            return redirect("onboarding:template_list")
        messages.success(
            request,
            _("The starter content is in place. Next, give each touchpoint an owner."),
        )
        return redirect("journeys:ownership")


class StarterOfferSkipView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_company_settings)

    def post(self, request: HttpRequest) -> HttpResponse:
        starter_offer_skip(acting_user=request.user)
        messages.info(request, _("You start from an empty company. The templates stay available on this page."))
        return redirect("core:home")
