"""The standard wording of each question type, in Finnish, Swedish and English; no database.

These are the texts customers see, not UI strings: every language is written out
here so that a survey is complete whatever the manager's own language is.
"""

from apps.core.content_languages import CONTENT_LANGUAGES
from apps.surveys.models import QuestionType

_DEFAULTS: dict[str, dict[str, str]] = {
    QuestionType.NPS: {
        # Not "{company}:ää": a name takes the ending its own sound asks for (Oy:tä, Kokemusta),
        # so the name stays in the nominative after "yritystä", as Finnish copywriters do.
        "fi": "Kuinka todennäköisesti suosittelisit yritystä {company} ystävällesi tai kollegallesi?",
        # Swedish does not inflect the name, so it can stand as it is.
        "sv": "Hur sannolikt är det att du skulle rekommendera {company} till en vän eller kollega?",
        "en": "How likely are you to recommend {company} to a friend or colleague?",
    },
    QuestionType.CSAT: {
        "fi": "Kuinka tyytyväinen olit saamaasi palveluun?",
        "sv": "Hur nöjd var du med den service du fick?",
        "en": "How satisfied were you with the service you received?",
    },
    QuestionType.CES: {
        "fi": "{company} teki asiani hoitamisesta helppoa.",
        "sv": "{company} gjorde det lätt för mig att sköta mitt ärende.",
        "en": "{company} made it easy for me to handle my issue.",
    },
    QuestionType.TEXT: {
        "fi": "Mitä voisimme tehdä paremmin?",
        "sv": "Vad kunde vi göra bättre?",
        "en": "What could we do better?",
    },
}


# Without a company name the question speaks of "us" instead.
_WITHOUT_COMPANY: dict[str, dict[str, str]] = {
    QuestionType.NPS: {
        "fi": "Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?",
        "sv": "Hur sannolikt är det att du skulle rekommendera oss till en vän eller kollega?",
        "en": "How likely are you to recommend us to a friend or colleague?",
    },
    QuestionType.CES: {
        "fi": "Asiani hoitaminen kanssanne oli helppoa.",
        "sv": "Det var lätt att sköta mitt ärende med er.",
        "en": "The company made it easy for me to handle my issue.",
    },
}


def question_default_text(question_type: str, language: str, *, company_name: str) -> str:
    """The standard wording of `question_type` in `language`, naming the company."""
    language = language if language in CONTENT_LANGUAGES else "fi"
    company_name = company_name.strip()
    if not company_name and question_type in _WITHOUT_COMPANY:
        return _WITHOUT_COMPANY[question_type][language]
    return _DEFAULTS.get(question_type, {}).get(language, "").format(company=company_name)


def question_defaults(*, company_name: str) -> dict[str, dict[str, str]]:
    """Every type's standard wording in every language, for the editor."""
    return {
        question_type: {
            language: question_default_text(question_type, language, company_name=company_name)
            for language in CONTENT_LANGUAGES
        }
        for question_type in _DEFAULTS
    }
