"""The survey management pages for managers: builder, preview, touchpoints, settings, send-outs, invitations."""

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityRequiredMixin
from apps.core.content_languages import CONTENT_LANGUAGES
from apps.core.csv_export import csv_format_for
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.surveys.distributions import answer_export_rows, choice_distributions
from apps.surveys.forms import (
    CampaignForm,
    InvitationFilterForm,
    QuestionFormSet,
    SurveyForm,
    SurveySettingsForm,
)
from apps.surveys.models import Campaign, InvitationStatus, Question, QuestionType, Survey
from apps.surveys.public_views import posted_answers, survey_form_context
from apps.surveys.responses import answer_questions, answers_clean
from apps.surveys.selectors import (
    audience_summary,
    campaign_list,
    invitation_list,
    invitation_status_counts,
    survey_get,
    survey_list_with_counts,
    survey_settings_get,
    survey_touchpoint_links,
    touchpoint_choices_grouped,
)
from apps.surveys.services import (
    campaign_create,
    campaign_pause,
    campaign_resume,
    survey_create,
    survey_settings_update,
    survey_touchpoints_set,
    survey_update,
)
from apps.surveys.texts import send_out_sms_preview
from apps.surveys.thank_you import thank_you_preview
from apps.surveys.wordings import question_defaults

INVITATIONS_PER_PAGE = 50


class _ManagerView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)


def _survey_or_404(survey_id: int) -> Survey:
    survey = survey_get(survey_id=survey_id)
    if survey is None:
        raise Http404
    return survey


class SurveyHomeView(_ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        context = {
            "surveys": survey_list_with_counts(),
            "status_counts": invitation_status_counts(user=request.user),
            "campaigns": campaign_list()[:5],
        }
        return render(request, "surveys/manage/home.html", context)


class _SurveyEditorMixin:
    """The survey's texts and its questions on one page."""

    def _render(
        self, request: HttpRequest, *, form: SurveyForm, questions: Any, survey: Survey | None, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "questions": questions,
            "survey": survey,
            "question_types": QuestionType.choices,
            "defaults": question_defaults(company_name=request.tenant.name),
        }
        return render(request, "surveys/manage/survey_form.html", context, status=status)

    def _added(self, request: HttpRequest) -> QueryDict | None:
        """Without JavaScript "Add question" posts the page back: the same data plus one row."""
        question_type = request.POST.get("add")
        if question_type not in QuestionType.values:
            return None
        data = request.POST.copy()
        total = int(data.get("form-TOTAL_FORMS") or 0)
        data["form-TOTAL_FORMS"] = str(total + 1)
        data[f"form-{total}-type"] = question_type
        data[f"form-{total}-required"] = "on"
        data[f"form-{total}-ORDER"] = str(total + 1)
        return data

    def _save(self, request: HttpRequest, survey: Survey | None) -> HttpResponse:
        added = self._added(request)
        if added is not None:
            form = SurveyForm(initial=added.dict())
            return self._render(request, form=form, questions=QuestionFormSet(added), survey=survey)
        form = SurveyForm(request.POST)
        questions = QuestionFormSet(request.POST)
        if form.is_valid() and questions.is_valid():
            try:
                fields = {**form.cleaned_data, "questions": questions.question_inputs()}
                if survey is None:
                    survey = survey_create(company_name=request.tenant.name, **fields)
                else:
                    survey_update(survey=survey, company_name=request.tenant.name, **fields)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Survey %(name)s was saved.") % {"name": survey.name})
                return redirect("surveys:detail", survey_id=survey.pk)
        return self._render(request, form=form, questions=questions, survey=survey, status=400)


class SurveyCreateView(_SurveyEditorMixin, _ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        defaults = question_defaults(company_name=request.tenant.name)
        initial = [
            {"type": QuestionType.NPS, "required": True, "ORDER": 1},
            {"type": QuestionType.TEXT, "required": False, "ORDER": 2},
        ]
        for row in initial:
            row.update({f"text_{language}": defaults[row["type"]][language] for language in CONTENT_LANGUAGES})
        form = SurveyForm(initial={"is_active": True})
        return self._render(request, form=form, questions=QuestionFormSet(initial=initial), survey=None)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._save(request, None)


class SurveyUpdateView(_SurveyEditorMixin, _ManagerView):
    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey_or_404(survey_id)
        questions = list(survey.questions.prefetch_related("options").select_related("show_if_question"))
        initial = [_question_initial(question) for question in questions]
        form = SurveyForm.for_survey(survey)
        return self._render(request, form=form, questions=QuestionFormSet(initial=initial), survey=survey)

    def post(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        return self._save(request, _survey_or_404(survey_id))


def _question_initial(question: Question) -> dict[str, Any]:
    """A saved question as its builder row: texts, condition and option rows."""
    row: dict[str, Any] = {
        "id": question.pk,
        "type": question.type,
        "text_fi": question.text_fi,
        "text_sv": question.text_sv,
        "text_en": question.text_en,
        "required": question.required,
        "ORDER": question.position,
        "show_if_position": question.show_if_question.position if question.show_if_question else None,
        "show_if_group": question.show_if_group,
    }
    for index, option in enumerate(question.options.all()):
        row.update(
            {
                f"option_{index}_id": option.pk,
                f"option_{index}_fi": option.label_fi,
                f"option_{index}_sv": option.label_sv,
                f"option_{index}_en": option.label_en,
                f"option_{index}_hidden": option.is_hidden,
            }
        )
    return row


class SurveyDetailView(_ManagerView):
    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey_or_404(survey_id)
        context = {
            "survey": survey,
            "links": survey_touchpoint_links(survey=survey),
            "campaigns": campaign_list(survey_id=survey.pk),
            "rules": survey_settings_get(),
            "distributions": choice_distributions(
                user=request.user, survey=survey, language=translation.get_language() or "fi"
            ),
        }
        return render(request, "surveys/manage/survey_detail.html", context)


# A cell starting with one of these is a formula to a spreadsheet: such a cell is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SurveyAnswerExportView(_ManagerView):
    """The survey's answers as CSV, one row per response (scores, yes/no and chosen options; no free text)."""

    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey_or_404(survey_id)
        csv_format = csv_format_for(request.GET.get("delimiter"))
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=csv_format.delimiter, lineterminator="\r\n")
        with timezone.override(ZoneInfo(request.tenant.time_zone)):
            rows = answer_export_rows(user=request.user, survey=survey, language=translation.get_language() or "fi")
            for row in rows:
                writer.writerow([f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell for cell in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
        return response


# Each language named in itself, as a customer would look for it.
_PREVIEW_LINKS = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


class SurveyPreviewView(_ManagerView):
    """The survey exactly as a customer sees it. Submitting checks the answers and shows
    the thank-you page; nothing is recorded."""

    def _language(self, language: str) -> str:
        if language not in CONTENT_LANGUAGES:
            raise Http404
        return language

    def _context(self, survey: Survey, shown_in: str, **extra: Any) -> dict[str, Any]:
        others = [(code, name) for code, name in _PREVIEW_LINKS.items() if code != shown_in]
        return {"preview": True, "survey": survey, "other_languages": others, **extra}

    def get(self, request: HttpRequest, survey_id: int, language: str) -> HttpResponse:
        survey, language = _survey_or_404(survey_id), self._language(language)
        with translation.override(language):
            context = survey_form_context(survey, language=language, values={}, errors={})
            return render(request, "surveys/public/answer.html", self._context(survey, language, **context))

    def post(self, request: HttpRequest, survey_id: int, language: str) -> HttpResponse:
        survey, language = _survey_or_404(survey_id), self._language(language)
        values = posted_answers(request.POST)
        with translation.override(language):
            try:
                answers = answers_clean(questions=answer_questions(survey), raw=values)
            except DomainError as error:
                context = survey_form_context(survey, language=language, values=values, errors=error.fields)
                context = self._context(survey, language, **context)
                return render(request, "surveys/public/answer.html", context, status=400)
            thank_you = thank_you_preview(survey=survey, language=language, answers=answers)
            context = self._context(survey, language, language=language, thank_you=thank_you)
            return render(request, "surveys/public/thanks.html", context)


class SurveyTouchpointsView(_ManagerView):
    """Choose the touchpoints whose encounters are followed up with this survey, and the delay of each."""

    def _render(self, request: HttpRequest, survey: Survey, *, errors: list[str], status: int = 200) -> HttpResponse:
        paths = touchpoint_choices_grouped()
        posted = request.POST if request.method == "POST" else None
        for path in paths:
            for stage in path.stages:
                for touchpoint in stage.touchpoints:
                    mine = touchpoint.link is not None and touchpoint.link.survey_id == survey.pk
                    if posted is not None:
                        touchpoint.chosen = str(touchpoint.pk) in posted.getlist("touchpoint")
                        touchpoint.delay_value = posted.get(f"delay_{touchpoint.pk}", "")
                    else:
                        touchpoint.chosen = mine
                        delay = touchpoint.link.delay_minutes if mine else None
                        touchpoint.delay_value = "" if delay is None else delay
        context = {"survey": survey, "paths": paths, "rules": survey_settings_get(), "errors": errors}
        return render(request, "surveys/manage/survey_touchpoints.html", context, status=status)

    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        return self._render(request, _survey_or_404(survey_id), errors=[])

    def post(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey_or_404(survey_id)
        delays: dict[int, int | None] = {}
        errors = []
        for value in request.POST.getlist("touchpoint"):
            if not value.isdigit():
                continue
            raw_delay = request.POST.get(f"delay_{value}", "").strip()
            if raw_delay and not raw_delay.isdigit():
                errors.append(_("Delays are whole minutes, for example 120."))
                continue
            delays[int(value)] = int(raw_delay) if raw_delay else None
        if not errors:
            try:
                survey_touchpoints_set(survey=survey, delays=delays, acting_user=request.user)
            except DomainError as error:
                errors.append(error.message)
            else:
                messages.success(request, _("The touchpoints of %(name)s were saved.") % {"name": survey.name})
                return redirect("surveys:detail", survey_id=survey.pk)
        return self._render(request, survey, errors=errors, status=400)


class SurveySettingsView(_ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = SurveySettingsForm(instance=survey_settings_get())
        return render(request, "surveys/manage/settings.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        # The form validates against a copy; the service makes the change.
        form = SurveySettingsForm(request.POST, instance=survey_settings_get())
        if form.is_valid():
            try:
                survey_settings_update(
                    acting_user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Survey settings saved."))
                return redirect("surveys:settings")
        return render(request, "surveys/manage/settings.html", {"form": form}, status=400)


class CampaignListView(_ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "surveys/manage/campaign_list.html", {"campaigns": campaign_list()})


class CampaignCreateView(_ManagerView):
    """Two steps on one URL: the form, then the audience count with what is excluded, then confirm."""

    def _render(
        self, request: HttpRequest, form: CampaignForm, *, summary: Any = None, status: int = 200
    ) -> HttpResponse:
        context = {"form": form, "summary": summary, "confirming": summary is not None}
        if summary is not None and summary.texted:
            rows = send_out_sms_preview(texted_by_language=summary.texted_by_language)
            context["sms_rows"] = rows
            context["sms_parts"] = sum(row.parts for row in rows)
        return render(request, "surveys/manage/campaign_form.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"survey": request.GET.get("survey")} if request.GET.get("survey", "").isdigit() else {}
        return self._render(request, CampaignForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        with timezone.override(ZoneInfo(request.tenant.time_zone)):
            form = CampaignForm(request.POST)
            if not form.is_valid():
                return self._render(request, form, status=400)
            data = form.cleaned_data
            if request.POST.get("confirm") != "1":
                summary = audience_summary(
                    audience=form.audience(),
                    rules=survey_settings_get(),
                    channel=data["channel"],
                    survey=data["survey"],
                )
                return self._render(request, form, summary=summary)
            try:
                campaign = campaign_create(
                    name=data["name"],
                    survey=data["survey"],
                    audience=form.audience(),
                    send_at=data["send_at"],
                    repeat_every_months=data["repeat_every_months"],
                    channel=data["channel"],
                    created_by=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
                return self._render(request, form, status=400)
        messages.success(request, _("Send-out %(name)s was scheduled.") % {"name": campaign.name})
        return redirect("surveys:campaign_list")


class CampaignToggleView(_ManagerView):
    """POST pauses an active send-out or resumes a paused one."""

    def post(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404
        if campaign.is_active:
            campaign_pause(campaign=campaign)
            messages.success(request, _("Send-out %(name)s is paused.") % {"name": campaign.name})
        else:
            campaign_resume(campaign=campaign)
            messages.success(request, _("Send-out %(name)s is active again.") % {"name": campaign.name})
        return redirect("surveys:campaign_list")


class InvitationListView(_ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        filters = InvitationFilterForm(request.GET or None)
        data = filters.cleaned_data if filters.is_valid() else {}
        invitations = invitation_list(
            user=request.user,
            status=data.get("status") or "",
            survey_id=data.get("survey"),
            campaign_id=data.get("campaign"),
            search=data.get("q") or "",
        )
        page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(data and any(data.values())),
            "status_counts": invitation_status_counts(user=request.user),
            "statuses": InvitationStatus,
        }
        return render(request, "surveys/manage/invitation_list.html", context)
