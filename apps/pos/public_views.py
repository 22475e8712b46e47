"""The customers' pages of the point of service: an open survey behind a poster's QR code or short
link, and the kiosk at the counter. No login: the open link grants only "answer anonymously", and a
kiosk proves itself with its device key (a cookie set when it was paired), not with a person's session.

Unlike an invitation's link these pages keep Django's CSRF check: the link is public, so the form's
token is what stops another site from posting answers through its visitors' browsers.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from apps.core.client_address import client_ip
from apps.core.content_languages import CONTENT_LANGUAGES, content_language_get
from apps.core.error_pages import too_many_requests
from apps.core.exceptions import DomainError
from apps.core.visitor_language import visitor_language
from apps.customers.selectors import consent_wording_current
from apps.pos.forms import ContactForm
from apps.pos.keys import secret_new
from apps.pos.models import KioskDevice, OpenLink
from apps.pos.selectors import kiosk_by_key, kiosk_by_pairing_token, open_link_by_code, touchpoint_open_survey
from apps.pos.services import ContactDetails, kiosk_answer_submit, kiosk_pair, open_answer_submit
from apps.surveys.public_views import posted_answers, survey_form_context
from apps.surveys.responses import RawAnswers
from apps.surveys.thank_you import thank_you_text

DEVICE_COOKIE = "kokemus_device"
DEVICE_COOKIE_SALT = "kokemus.pos.device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
KIOSK_COOKIE = "kokemus_kiosk"
KIOSK_COOKIE_AGE = 5 * 365 * 24 * 3600
# A cheap first gate before any database work, per client address; the real limits are in limits.py.
POST_RATE = "30/m"


def _language(request: HttpRequest) -> str:
    """The language the visitor picked on the page, else their browser's."""
    asked = request.GET.get("lang", "")
    return asked if asked in CONTENT_LANGUAGES else content_language_get(visitor_language(request))


# Each language in its own words: a customer looks for the language they read.
OWN_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}


def _languages(current: str) -> list[tuple[str, str]]:
    return [(code, OWN_NAMES[code]) for code in CONTENT_LANGUAGES if code != current]


def _unavailable(request: HttpRequest, *, status: int = 404) -> HttpResponse:
    language = _language(request)
    with translation.override(language):
        return render(request, "surveys/public/unavailable.html", {"language": language}, status=status)


def _limited(request: HttpRequest, *, language: str, message: str, template: str, context: dict) -> HttpResponse:
    with translation.override(language):
        return render(request, template, {**context, "language": language, "limited": message}, status=429)


def _post_flooded(request: HttpRequest, *, group: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=POST_RATE, method="POST", increment=True)


def _answers(request: HttpRequest) -> RawAnswers:
    return posted_answers(request.POST)


@method_decorator(never_cache, name="dispatch")
class OpenSurveyView(View):
    """Public: the survey of a poster's QR code or short link; anonymous unless contact details are left."""

    def _render(
        self,
        request: HttpRequest,
        link: OpenLink,
        *,
        values: dict,
        errors: dict,
        contact: ContactForm,
        language: str,
        status: int = 200,
    ) -> HttpResponse:
        survey = touchpoint_open_survey(touchpoint=link.touchpoint)
        with translation.override(language):
            context = survey_form_context(survey, language=language, values=values, errors=errors)
            context.update(
                {
                    "link": link,
                    "contact_form": contact,
                    "other_languages": _languages(language),
                    # The words the consent box records (the wording in force), in the customer's language.
                    "consent_wording": consent_wording_current(),
                }
            )
            response = render(request, "pos/public/open.html", context, status=status)
        if not request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT):
            # The per-device limit's cookie: a random id, signed so that a made-up one is ignored.
            response.set_signed_cookie(
                DEVICE_COOKIE,
                secret_new(),
                salt=DEVICE_COOKIE_SALT,
                max_age=DEVICE_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        link = open_link_by_code(code=code)
        if link is None or touchpoint_open_survey(touchpoint=link.touchpoint) is None:
            return _unavailable(request)
        return self._render(request, link, values={}, errors={}, contact=ContactForm(), language=_language(request))

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        if _post_flooded(request, group="pos-open"):
            return too_many_requests(request)
        link = open_link_by_code(code=code)
        if link is None:
            return _unavailable(request)
        language = _language(request)
        values = _answers(request)
        with translation.override(language):
            contact_form = ContactForm(request.POST)
            contact_valid = contact_form.is_valid()
        if not contact_valid:
            return self._render(
                request, link, values=values, errors={}, contact=contact_form, language=language, status=400
            )
        data = contact_form.cleaned_data
        contact = (
            ContactDetails(name=data["contact_name"], email=data["contact_email"], phone=data["contact_phone"])
            if data["contact_consent"]
            else None
        )
        try:
            with translation.override(language):
                open_answer_submit(
                    link=link,
                    raw_answers=values,
                    language=language,
                    address=client_ip(request),
                    device_id=request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT),
                    contact=contact,
                )
        except DomainError as error:
            if error.code == "unavailable":
                return _unavailable(request)
            if error.code == "limited":
                return _limited(
                    request,
                    language=language,
                    message=error.message,
                    template="pos/public/open_thanks.html",
                    context={"link": link},
                )
            for field, messages in error.fields.items():
                if f"contact_{field}" in contact_form.fields:
                    for message in messages:
                        contact_form.add_error(f"contact_{field}", message)
            return self._render(
                request, link, values=values, errors=error.fields, contact=contact_form, language=language, status=400
            )
        return redirect(f"{request.path}thanks/?lang={language}")


@method_decorator(never_cache, name="dispatch")
class OpenSurveyThanksView(View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        link = open_link_by_code(code=code)
        survey = touchpoint_open_survey(touchpoint=link.touchpoint) if link else None
        if survey is None:
            return _unavailable(request)
        language = _language(request)
        with translation.override(language):
            context = {
                "link": link,
                "language": language,
                "thank_you": thank_you_text(survey=survey, language=language),
            }
            return render(request, "pos/public/open_thanks.html", context)


@method_decorator(never_cache, name="dispatch")
class KioskPairView(View):
    """Public: the one-time pairing link of a kiosk. GET asks (a link preview must not pair), POST pairs."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        kiosk = kiosk_by_pairing_token(token=token)
        if kiosk is None:
            return _unavailable(request)
        with translation.override(_language(request)):
            return render(request, "pos/public/kiosk_pair.html", {"kiosk": kiosk, "language": _language(request)})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if _post_flooded(request, group="pos-pair"):
            return too_many_requests(request)
        try:
            _kiosk, key = kiosk_pair(pairing_token=token)
        except DomainError:
            return _unavailable(request)
        response = redirect("pos_public:kiosk")
        response.set_cookie(
            KIOSK_COOKIE, key, max_age=KIOSK_COOKIE_AGE, httponly=True, samesite="Strict", secure=request.is_secure()
        )
        return response


def _kiosk_context(kiosk: KioskDevice, *, language: str, values: dict, errors: dict) -> dict:
    survey = touchpoint_open_survey(touchpoint=kiosk.touchpoint)
    context = survey_form_context(survey, language=language, values=values, errors=errors) if survey else {}
    return {
        **context,
        "kiosk": kiosk,
        "language": language,
        "languages": [(code, OWN_NAMES[code]) for code in CONTENT_LANGUAGES],
        "idle_seconds": kiosk.idle_reset_seconds,
        "has_survey": survey is not None,
    }


@method_decorator(never_cache, name="dispatch")
class KioskView(View):
    """Public, but only for a paired kiosk: its key (a cookie) is the credential, no user session."""

    def _kiosk(self, request: HttpRequest) -> KioskDevice | None:
        return kiosk_by_key(key=request.COOKIES.get(KIOSK_COOKIE, ""))

    def get(self, request: HttpRequest) -> HttpResponse:
        kiosk = self._kiosk(request)
        language = _language(request)
        if kiosk is None:
            with translation.override(language):
                return render(request, "pos/public/kiosk_unpaired.html", {"language": language}, status=403)
        with translation.override(language):
            return render(
                request, "pos/public/kiosk.html", _kiosk_context(kiosk, language=language, values={}, errors={})
            )

    def post(self, request: HttpRequest) -> HttpResponse:
        kiosk = self._kiosk(request)
        language = _language(request)
        if kiosk is None:
            with translation.override(language):
                return render(request, "pos/public/kiosk_unpaired.html", {"language": language}, status=403)
        values = _answers(request)
        try:
            with translation.override(language):
                kiosk_answer_submit(kiosk=kiosk, raw_answers=values, language=language)
        except DomainError as error:
            context = _kiosk_context(kiosk, language=language, values=values, errors=error.fields)
            if error.code == "limited":
                return _limited(
                    request,
                    language=language,
                    message=error.message,
                    template="pos/public/kiosk_thanks.html",
                    context=context,
                )
            if error.code == "unavailable":
                return _unavailable(request)
            with translation.override(language):
                return render(request, "pos/public/kiosk.html", context, status=400)
        with translation.override(language):
            context = _kiosk_context(kiosk, language=language, values={}, errors={})
            survey = touchpoint_open_survey(touchpoint=kiosk.touchpoint)
            context["thank_you"] = thank_you_text(survey=survey, language=language) if survey else ""
            return render(request, "pos/public/kiosk_thanks.html", context)
