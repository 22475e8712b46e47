"""The starter templates through the API: what each adds, and taking one (company admins only).

The same reads and the same service as the pages (apps/onboarding/views.py): a template is
taken once per company, in one locked transaction, in the company's default language.
"""

from typing import Any

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_company_settings
from apps.core.access import CapabilityApiMixin
from apps.core.content_languages import content_language_get
from apps.onboarding.content import STARTER_TEMPLATES
from apps.onboarding.models import StarterChoice
from apps.onboarding.selectors import starter_choice_get, starter_template_preview
from apps.onboarding.services import starter_template_take


class StarterTouchpointSerializer(serializers.Serializer):
    name = serializers.CharField()
    channel = serializers.CharField()
    intended = serializers.CharField(help_text="The intended experience: what good looks like.")
    peak = serializers.BooleanField(help_text="Marked as the path's peak moment.")
    end = serializers.BooleanField(help_text="Marked as the path's end moment.")
    follow_up = serializers.BooleanField(help_text="The follow-up survey goes out after an encounter here.")


class StarterStageSerializer(serializers.Serializer):
    name = serializers.CharField()
    touchpoints = StarterTouchpointSerializer(many=True)


class StarterPathSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    stages = StarterStageSerializer(many=True)


class StarterSurveySerializer(serializers.Serializer):
    title = serializers.CharField()
    intro = serializers.CharField()
    thank_you = serializers.CharField()
    questions = serializers.ListField(child=serializers.CharField())


class StarterPersonaSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


class StarterTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    summary = serializers.CharField()
    applied = serializers.BooleanField(help_text="This template has been taken in the company.")
    available = serializers.BooleanField(help_text="It can be taken: no template has been taken yet.")
    stage_count = serializers.IntegerField()
    touchpoint_count = serializers.IntegerField()
    persona_count = serializers.IntegerField()
    path = StarterPathSerializer(help_text="The service path it adds; its touchpoints have no owners.")
    survey = StarterSurveySerializer(help_text="The follow-up survey it adds, in Finnish and English.")
    personas = StarterPersonaSerializer(many=True, help_text="The example personas it adds.")


class StarterChoiceSerializer(serializers.Serializer):
    template = serializers.CharField(help_text="The key of the template taken.")
    written = serializers.BooleanField(help_text="True when this call wrote the content; false when it was there.")
    decided_at = serializers.DateTimeField()
    decided_by = serializers.IntegerField(allow_null=True, help_text="The user who took it.")


class StarterTemplateTaken(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_applied"


def _language() -> str:
    """The reader's language for the template texts (Finnish, Swedish or English)."""
    return content_language_get((get_language() or "")[:2])


class StarterTemplateListApi(CapabilityApiMixin, APIView):
    """The industry templates, each with what taking it adds (in the request's language)."""

    capability = staticmethod(can_manage_company_settings)

    @extend_schema(responses={200: StarterTemplateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        choice = starter_choice_get()
        taken = choice.template if choice is not None else ""
        rows = [
            {
                **starter_template_preview(template=template, language=_language(), company_name=request.tenant.name),
                "applied": template.key == taken,
                "available": not taken,
            }
            for template in STARTER_TEMPLATES.values()
        ]
        return Response(StarterTemplateSerializer(rows, many=True).data)


def _choice_data(choice: StarterChoice, *, written: bool) -> dict[str, Any]:
    return {
        "template": choice.template,
        "written": written,
        "decided_at": choice.decided_at,
        "decided_by": choice.decided_by_id,
    }


class StarterTemplateApplyApi(CapabilityApiMixin, APIView):
    """Take a template: write its path, follow-up survey and personas in the company's default language.

    Idempotent: taking the template again answers 200 and writes nothing. Once another
    template has been taken, 409: a company takes one template."""

    capability = staticmethod(can_manage_company_settings)

    @extend_schema(
        request=None,
        responses={
            201: StarterChoiceSerializer,
            200: OpenApiResponse(StarterChoiceSerializer, description="Taken before; nothing was written."),
            404: OpenApiResponse(description="No such template."),
            409: OpenApiResponse(description="Another template has been taken."),
        },
    )
    def post(self, request: Request, template_key: str) -> Response:
        if template_key not in STARTER_TEMPLATES:
            raise Http404
        choice, written = starter_template_take(
            template_key=template_key,
            acting_user=request.user,
            company_name=request.tenant.name,
            language=request.tenant.language,
        )
        if not written and choice.template != template_key:
            taken = STARTER_TEMPLATES.get(choice.template)
            raise StarterTemplateTaken(
                _("The template “%(template)s” has already been taken; a company takes one template.")
                % {"template": taken.label(_language()) if taken else choice.template}
            )
        return Response(
            StarterChoiceSerializer(_choice_data(choice, written=written)).data,
            status=status.HTTP_201_CREATED if written else status.HTTP_200_OK,
        )
