from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.onboarding.content import STARTER_TEMPLATES, SURVEY_INTRO, SURVEY_THANK_YOU, SURVEY_TITLE
from apps.onboarding.selectors import starter_choice_get
from apps.onboarding.services import starter_offer_skip, starter_template_take
from apps.surveys.models import QuestionType
from apps.surveys.wordings import question_default_text


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "fi"


class StarterTemplateListView(CapabilityRequiredMixin, View):
    """The industry templates a company admin can start from, or skip."""

    capability = staticmethod(can_manage_company_settings)

    def get(self, request: HttpRequest) -> HttpResponse:
        language = _language()
        templates = [
            {
                "key": template.key,
                "label": template.label(language),
                "summary": template.summary(language),
                "stage_count": len(template.stages),
                "touchpoint_count": template.touchpoint_count,
                "persona_count": len(template.personas),
            }
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
        company_name = request.tenant.name
        context = {
            "template": template,
            "language": language,
            "company_language": request.tenant.language,
            "label": template.label(language),
            "summary": template.summary(language),
            "path_name": template.path_name(language),
            "path_description": template.path_description(language),
            "stages": [
                {
                    "name": stage.name(language),
                    "touchpoints": [
                        {
                            "name": seed.name(language),
                            "intended": seed.intended(language),
                            "peak": seed.peak,
                            "end": seed.end,
                            "follow_up": seed.follow_up,
                        }
                        for seed in stage.touchpoints
                    ],
                }
                for stage in template.stages
            ],
            "survey": {
                "title": SURVEY_TITLE(language),
                "intro": SURVEY_INTRO(language),
                "thank_you": SURVEY_THANK_YOU(language),
                "questions": [
                    question_default_text(kind, language, company_name=company_name)
                    for kind in (QuestionType.NPS, QuestionType.TEXT)
                ],
            },
            "personas": [
                {"name": seed.name(language), "description": seed.description(language)} for seed in template.personas
            ],
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
