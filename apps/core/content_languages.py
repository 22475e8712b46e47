"""The languages customers are written to in, and the order to fall back in when a text is missing.

A company may write a survey in Finnish only, or in Finnish and Swedish: a customer who
asked for a language the survey lacks gets the company's own language next, then
Finnish, then English, never an empty page.
"""

from django.db import connection

CONTENT_LANGUAGES = ("fi", "sv", "en")


def content_language_get(language: str | None) -> str:
    """`language` if customers can be written to in it, else the company's default, else Finnish."""
    if language in CONTENT_LANGUAGES:
        return language
    company_language = getattr(connection.tenant, "language", "")
    return company_language if company_language in CONTENT_LANGUAGES else "fi"


def content_languages_ordered(language: str | None) -> list[str]:
    """The languages to look for a text in: the asked one, the company's, Finnish, English."""
    company_language = getattr(connection.tenant, "language", "")
    order = [language, company_language, "fi", "en", "sv"]
    return list(dict.fromkeys(code for code in order if code in CONTENT_LANGUAGES))
