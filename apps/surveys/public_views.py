"""The customer-facing survey pages, on the company's domain, without login.

Opening a link (GET, HEAD, a mail scanner's prefetch) never changes anything;
only the POST of the form or of the unsubscribe button does. Unknown, expired
and used links all show the same page in the same language (the visitor's, see
apps.core.visitor_language), so a link reveals nothing about others.

The token in the URL is the customer's credential, so the two POSTs need no
session or CSRF cookie: a customer whose browser blocks cookies can answer, and
a mail client can unsubscribe in one click (RFC 8058). Each POST is limited per
client address (generously: a household or an office shares one) and per link
(tightly: a customer corrects a form a few times, a script does not stop).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from apps.core.content_languages import content_language_get
from apps.core.error_pages import too_many_requests
from apps.core.exceptions import DomainError
from apps.core.visitor_language import visitor_language
from apps.customers.selectors import consent_wording_agreed
from apps.surveys.models import Invitation, Survey
from apps.surveys.responses import LinkState, invitation_link_state, invitation_unsubscribe, response_submit
from apps.surveys.selectors import invitation_by_token
from apps.surveys.tokens import token_from_short

ADDRESS_RATE = "60/m"
LINK_RATE = "10/m"


def _language(invitation: Invitation) -> str:
    return content_language_get(invitation.language)


def _rate_limited(request: HttpRequest, *, action: str, token: str) -> bool:
    """Count this POST against its client address and its link; True when either is spent."""
    by_address = is_ratelimited(
        request, group=f"survey-{action}-address", key="ip", rate=ADDRESS_RATE, method="POST", increment=True
    )
    by_link = is_ratelimited(
        request,
        group=f"survey-{action}-link",
        key=lambda _group, _request: token,
        rate=LINK_RATE,
        method="POST",
        increment=True,
    )
    return by_address or by_link


def _unavailable(request: HttpRequest) -> HttpResponse:
    """The one answer for an unknown, used, expired or tampered link; nothing in it depends on which."""
    language = visitor_language(request)
    with translation.override(language):
        return render(request, "surveys/public/unavailable.html", {"language": language}, status=404)


def _form_context(invitation: Invitation, *, values: dict[str, str], errors: dict[str, list[str]]) -> dict:
    context = survey_form_context(invitation.survey, language=_language(invitation), values=values, errors=errors)
    return {**context, "invitation": invitation}


def survey_form_context(survey: Survey, *, language: str, values: dict[str, str], errors: dict[str, list[str]]) -> dict:
    """What the survey form shows, for a customer's link and for a manager's preview alike."""
    questions = [
        {
            "question": question,
            "key": f"q{question.pk}",
            "text": question.text(language),
            "value": values.get(f"q{question.pk}", ""),
            "errors": errors.get(f"q{question.pk}", []),
        }
        for question in survey.questions.order_by("position")
    ]
    return {
        "survey_title": survey.text("title", language),
        "survey_intro": survey.text("intro", language),
        "questions": questions,
        "has_errors": bool(errors),
        "any_required": any(item["question"].required for item in questions),
        "language": language,
    }


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class SurveyAnswerView(View):
    """Public: the survey form behind an emailed link. The link is the credential (no CSRF cookie)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = invitation_by_token(token=token)
        if invitation_link_state(invitation=invitation, now=timezone.now()) != LinkState.OPEN:
            return _unavailable(request)
        with translation.override(_language(invitation)):
            return render(request, "surveys/public/answer.html", _form_context(invitation, values={}, errors={}))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if _rate_limited(request, action="submit", token=token):
            return too_many_requests(request)
        invitation = invitation_by_token(token=token)
        if invitation_link_state(invitation=invitation, now=timezone.now()) != LinkState.OPEN:
            return _unavailable(request)
        values = {key: value for key, value in request.POST.items() if key.startswith("q")}
        try:
            # The validation messages speak the customer's language.
            with translation.override(_language(invitation)):
                response_submit(invitation_id=invitation.pk, raw_answers=values)
        except DomainError as error:
            if error.code == "link_used":
                return _unavailable(request)
            with translation.override(_language(invitation)):
                context = _form_context(invitation, values=values, errors=error.fields)
                return render(request, "surveys/public/answer.html", context, status=400)
        return redirect("surveys_public:thanks", token=token)


@method_decorator(never_cache, name="dispatch")
class SurveyThanksView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = invitation_by_token(token=token)
        if invitation_link_state(invitation=invitation, now=timezone.now()) != LinkState.ANSWERED:
            return _unavailable(request)
        language = _language(invitation)
        with translation.override(language):
            context = {"invitation": invitation, "thank_you": invitation.survey.text("thank_you", language)}
            return render(request, "surveys/public/thanks.html", context)


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class SurveyUnsubscribeView(View):
    """GET asks for confirmation; POST unsubscribes. The POST also serves RFC 8058
    one-click unsubscribe, which mail clients send without cookies (hence no CSRF)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = invitation_by_token(token=token)
        if invitation is None:
            return _unavailable(request)
        with translation.override(_language(invitation)):
            context = {
                "invitation": invitation,
                "done": False,
                "consent_wording": consent_wording_agreed(customer=invitation.customer),
            }
            return render(request, "surveys/public/unsubscribe.html", context)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if _rate_limited(request, action="unsubscribe", token=token):
            return too_many_requests(request)
        invitation = invitation_by_token(token=token)
        if invitation is None:
            return _unavailable(request)
        # A mail program's one-click POST carries this field (RFC 8058 section 3.2); the page's button does not.
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        invitation_unsubscribe(invitation=invitation, one_click=one_click)
        with translation.override(_language(invitation)):
            return render(request, "surveys/public/unsubscribe.html", {"invitation": invitation, "done": True})


class SurveyShortLinkView(View):
    """A text message's short link: the same token in fewer characters, sent on to the survey page.

    A redirect, not the page itself, so everything the survey page does (rate limits, the one
    answer for unknown links) stays in one place. A GET changes nothing here either.
    """

    def get(self, request: HttpRequest, short: str) -> HttpResponse:
        token = token_from_short(short)
        if token is None:
            return _unavailable(request)
        return redirect("surveys_public:answer", token=token)
