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

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from apps.core.content_languages import content_language_get
from apps.core.error_pages import too_many_requests
from apps.core.exceptions import DomainError
from apps.core.visitor_language import visitor_language
from apps.customers.selectors import consent_wording_agreed
from apps.surveys.branching import GROUP_RANGES, group_range
from apps.surveys.models import Invitation, Question, QuestionType, Survey
from apps.surveys.piping import PLACEHOLDER
from apps.surveys.responses import (
    LinkState,
    RawAnswers,
    answer_questions,
    invitation_link_state,
    invitation_unsubscribe,
    response_submit,
)
from apps.surveys.selectors import invitation_by_token
from apps.surveys.thank_you import thank_you_text
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


def _form_context(invitation: Invitation, *, values: RawAnswers, errors: dict[str, list[str]]) -> dict:
    context = survey_form_context(invitation.survey, language=_language(invitation), values=values, errors=errors)
    return {**context, "invitation": invitation}


def posted_answers(post: QueryDict) -> RawAnswers:
    """The form's answers keyed "q<question id>": one value each, or every box ticked of a multiple choice."""
    return {
        key: values if len(values) > 1 else values[-1]
        for key, values in post.lists()
        if key.startswith("q") and key[1:].isdigit() and values
    }


def _condition(question: Question, numbers: dict[int, int]) -> dict[str, Any] | None:
    """What the page needs to show a follow-up live, and the hint it shows without JavaScript."""
    if question.show_if_question_id is None or question.show_if_group not in GROUP_RANGES:
        return None
    low, high = group_range(question.show_if_group)
    number = numbers.get(question.show_if_question_id)
    if GROUP_RANGES[question.show_if_group][0] == QuestionType.YESNO:
        hint = _("Answer this only if you answered “%(answer)s” to question %(number)s.") % {
            "answer": _("Yes") if high == 1 else _("No"),
            "number": number,
        }
    else:
        hint = _("Answer this only if you answered from %(low)s to %(high)s to question %(number)s.") % {
            "low": low,
            "high": high,
            "number": number,
        }
    return {"key": f"q{question.show_if_question_id}", "low": low, "high": high, "hint": hint}


def _question_text_html(text: str, keys: dict[int, str]) -> SafeString:
    """A question's text with `{answer:N}` (an earlier question's answer) as a slot the page's script fills as
    the customer answers; an ellipsis without JavaScript. Everything else is escaped."""
    pieces = PLACEHOLDER.split(text)
    html = [escape(pieces[0])]
    for position, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        key = keys.get(int(position))
        if key is not None:
            html.append(format_html('<span class="question__piped" data-answer-of="{}">…</span>', key))
        html.append(escape(rest))
    return mark_safe("".join(html))  # noqa: S308 - every piece above is escaped or built by format_html


def survey_form_context(survey: Survey, *, language: str, values: RawAnswers, errors: dict[str, list[str]]) -> dict:
    """What the survey form shows, for a customer's link and for a manager's preview alike."""
    questions = answer_questions(survey)
    numbers = {question.pk: question.position for question in questions}
    earlier: dict[int, str] = {}
    items = []
    for question in questions:
        key = f"q{question.pk}"
        value = values.get(key, "")
        chosen = value if isinstance(value, list) else [value] if value else []
        items.append(
            {
                "question": question,
                "key": key,
                "number": question.position,
                "text": PLACEHOLDER.sub("…", question.text(language)),
                "text_html": _question_text_html(question.text(language), earlier),
                "value": chosen[-1] if chosen else "",
                "chosen": chosen,
                "options": [
                    {"value": str(option.pk), "label": option.label(language)}
                    for option in question.options.all()
                    if not option.is_hidden
                ],
                "condition": _condition(question, numbers),
                "errors": errors.get(key, []),
            }
        )
        earlier[question.position] = key
    return {
        "survey_title": survey.text("title", language),
        "survey_intro": survey.text("intro", language),
        "questions": items,
        "has_errors": bool(errors),
        "any_required": any(item["question"].required for item in items),
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
        values = posted_answers(request.POST)
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
            # An answered invitation has its response (recorded in the same transaction); getattr keeps an
            # odd row without one (old data) from failing the page.
            response = getattr(invitation, "response", None)
            thank_you = thank_you_text(survey=invitation.survey, language=language, response=response)
            context = {"invitation": invitation, "thank_you": thank_you}
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
