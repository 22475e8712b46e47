"""The language to answer a visitor in who has no account: a customer on a survey link.

The browser's Accept-Language first, then the company's default language, then
the app's. No cookie and nothing the visitor did before is involved, so two
visitors with the same browser settings get the same page whatever link they
hold.
"""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import translation


def browser_language(request: HttpRequest) -> str | None:
    """The first language of Accept-Language, by preference, that the app speaks; None if none."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _semicolon, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag))
    for _quality, _index, tag in sorted(ranked):
        try:
            return translation.get_supported_language_variant(tag.lower())
        except LookupError:
            continue
    return None


def visitor_language(request: HttpRequest) -> str:
    """The browser's language if the app speaks it, else the company's, else the app's."""
    company_language = getattr(getattr(request, "tenant", None) or connection.tenant, "language", "")
    languages = {code for code, _name in settings.LANGUAGES}
    return browser_language(request) or (company_language if company_language in languages else settings.LANGUAGE_CODE)
