from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Speak the user's language, else the company's, until the visitor picks one with the switch.

    Runs after LocaleMiddleware and AuthenticationMiddleware. The language
    cookie (set by the switch and at login) wins; without it a signed-in user's
    own language applies, then the company's default, before the browser's.
    The API is left to the client's Accept-Language header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # API clients pick their language with Accept-Language (LocaleMiddleware already did).
        is_api = request.path_info.startswith("/api/")
        if not is_api and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) not in self.languages:
            user = getattr(request, "user", None)
            chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
            language = chosen or getattr(getattr(request, "tenant", None), "language", "")
            if language in self.languages:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
