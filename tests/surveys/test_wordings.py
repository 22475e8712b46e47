"""The standard question wordings name the company without inflecting its name, in both languages."""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from apps.surveys.models import Question, QuestionType
from apps.surveys.wordings import question_default_text, question_defaults
from tests.surveys.conftest import survey_build

# Names whose Finnish ending would differ (Oy:tä, Kokemusta, Ääni & Kuva Ky:tä): none may get one.
COMPANY_NAMES = ["Katsastus Kivi Oy", "Kokemus", "Ääni & Kuva Ky", "AutoCare"]


# Choice and yes/no questions have no standard wording: the company writes its own.
STANDARD_TYPES = [QuestionType.NPS, QuestionType.CSAT, QuestionType.CES, QuestionType.TEXT]


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("question_type", STANDARD_TYPES)
def test_the_company_name_stands_as_written_whatever_it_is(question_type, language):
    shapes = set()
    for name in COMPANY_NAMES:
        text = question_default_text(question_type, language, company_name=name)
        assert text and "{" not in text
        # The name is followed by a space or punctuation, never by ":ää", ":tä" or letters glued on.
        for match in re.finditer(re.escape(name), text):
            following = text[match.end() : match.end() + 1]
            assert following in ("", " ", "?", ".", ","), (name, text)
        shapes.add(text.replace(name, "<company>"))
    # The same sentence around every name: nothing in the wording depends on how the name sounds.
    assert len(shapes) == 1, shapes


@pytest.mark.parametrize("language", ["fi", "en"])
def test_without_a_company_name_the_question_speaks_of_us(language):
    for question_type, texts in question_defaults(company_name="").items():
        text = texts[language]
        assert text and "{" not in text and not text.startswith(" ") and ":ää" not in text, question_type


def test_the_finnish_nps_question_names_the_company_after_yritysta():
    assert question_default_text(QuestionType.NPS, "fi", company_name="Katsastus Kivi Oy") == (
        "Kuinka todennäköisesti suosittelisit yritystä Katsastus Kivi Oy ystävällesi tai kollegallesi?"
    )


@pytest.mark.django_db
def test_the_migration_rewrites_only_the_untouched_old_default():
    migration = importlib.import_module("apps.surveys.migrations.0005_nps_default_wording_without_inflection")
    survey = survey_build()
    old = Question.objects.create(
        survey=survey,
        position=3,
        type=QuestionType.NPS,
        text_fi="Kuinka todennäköisesti suosittelisit Katsastus Kivi Oy:ää ystävällesi tai kollegallesi?",
        text_en="How likely are you to recommend Katsastus Kivi Oy to a friend or colleague?",
    )
    edited_text = "Suosittelisitko Katsastus Kivi Oy:ää? Kerro rehellisesti:ää ystävällesi tai kollegallesi?"
    edited = Question.objects.create(
        survey=survey, position=4, type=QuestionType.NPS, text_fi=edited_text, text_en="Would you recommend us?"
    )
    untouched = list(survey.questions.exclude(pk__in=[old.pk, edited.pk]).values_list("pk", "text_fi"))

    migration.nps_default_wording_update(django_apps, None)

    old.refresh_from_db()
    edited.refresh_from_db()
    assert old.text_fi == (
        "Kuinka todennäköisesti suosittelisit yritystä Katsastus Kivi Oy ystävällesi tai kollegallesi?"
    )
    assert old.text_en == "How likely are you to recommend Katsastus Kivi Oy to a friend or colleague?"
    assert edited.text_fi == edited_text
    assert list(survey.questions.exclude(pk__in=[old.pk, edited.pk]).values_list("pk", "text_fi")) == untouched
