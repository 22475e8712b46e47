"""Survey definitions, touchpoint links, settings and send-outs: the rules of the services."""

import datetime as dt

import pytest

from apps.core.exceptions import DomainError
from apps.customers.services import customer_create
from apps.surveys.models import Campaign, Question, QuestionType, Survey, TouchpointSurvey
from apps.surveys.selectors import audience_summary, survey_settings_get, touchpoint_choices_grouped
from apps.surveys.sending import campaigns_run_due, invitation_create
from apps.surveys.services import (
    QuestionInput,
    campaign_create,
    campaign_pause,
    campaign_resume,
    survey_create,
    survey_settings_update,
    survey_touchpoints_set,
    survey_update,
)
from apps.surveys.wordings import question_default_text
from tests.factories import AnswerFactory, ResponseFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import NOON

pytestmark = pytest.mark.django_db

TEXTS = {"name": "Suhde-NPS", "title_fi": "Miten olemme onnistuneet?", "title_en": "How are we doing?"}


def _survey(**extra: object) -> Survey:
    questions = [QuestionInput(type=QuestionType.NPS), QuestionInput(type=QuestionType.TEXT, required=False)]
    return survey_create(questions=questions, company_name="Alpha Katsastus Oy", **{**TEXTS, **extra})


def _positions(survey: Survey) -> list[tuple[int, str]]:
    return list(survey.questions.order_by("position").values_list("position", "type"))


def test_create_fills_the_standard_wordings_with_the_company_name():
    survey = _survey()
    nps = survey.questions.get(position=1)
    assert nps.text_fi == (
        "Kuinka todennäköisesti suosittelisit yritystä Alpha Katsastus Oy ystävällesi tai kollegallesi?"
    )
    assert nps.text_en == "How likely are you to recommend Alpha Katsastus Oy to a friend or colleague?"
    assert _positions(survey) == [(1, "nps"), (2, "text")]
    assert survey.questions.get(position=2).required is False


def test_ces_uses_the_2_0_wording():
    assert question_default_text("ces", "en", company_name="") == "The company made it easy for me to handle my issue."
    assert question_default_text("ces", "en", company_name="Alpha") == "Alpha made it easy for me to handle my issue."


def test_a_survey_needs_a_question_and_a_title():
    with pytest.raises(DomainError) as error:
        survey_create(questions=[], company_name="X", **TEXTS)
    assert error.value.code == "no_questions"
    with pytest.raises(DomainError) as error:
        survey_create(questions=[QuestionInput(type="nps")], company_name="X", **{**TEXTS, "title_en": " "})
    assert "title_en" in error.value.fields
    assert not Survey.objects.exists()


def test_update_reorders_adds_and_removes_with_dense_positions():
    survey = _survey()
    nps, text = survey.questions.order_by("position")
    survey_update(
        survey=survey,
        company_name="Alpha",
        questions=[
            QuestionInput(id=text.pk, type="text", text_fi=text.text_fi, text_en=text.text_en, required=False),
            QuestionInput(type="csat"),
            QuestionInput(id=nps.pk, type="nps", text_fi="Suosittelisitko?", text_en="Recommend?"),
        ],
    )
    assert _positions(survey) == [(1, "text"), (2, "csat"), (3, "nps")]
    assert Question.objects.get(pk=nps.pk).text_fi == "Suosittelisitko?"

    survey_update(survey=survey, questions=[QuestionInput(id=nps.pk, type="nps")], company_name="Alpha")
    assert _positions(survey) == [(1, "nps")]


def test_answered_question_cannot_be_removed_or_change_type(customer):
    survey = _survey()
    nps, text = survey.questions.order_by("position")
    invitation = invitation_create(
        survey=survey, customer=customer, send_at=NOON, now=NOON, rules=survey_settings_get()
    )
    AnswerFactory(response=ResponseFactory(invitation=invitation, submitted_at=NOON), question=nps, score=9)
    with pytest.raises(DomainError):
        survey_update(survey=survey, questions=[QuestionInput(id=text.pk, type="text")], company_name="A")
    with pytest.raises(DomainError):
        survey_update(
            survey=survey,
            questions=[QuestionInput(id=nps.pk, type="csat"), QuestionInput(id=text.pk, type="text")],
            company_name="A",
        )
    assert _positions(survey) == [(1, "nps"), (2, "text")]


def test_question_of_another_survey_is_refused():
    first, second = _survey(), _survey(name="Toinen")
    foreign = second.questions.first()
    with pytest.raises(DomainError):
        survey_update(survey=first, questions=[QuestionInput(id=foreign.pk, type="nps")], company_name="A")


def test_touchpoints_are_attached_moved_and_detached():
    path = map_build(stages={"Katsastus": ["Tarkastus", "Maksu"]})
    inspection, payment = touchpoint_named(path, "Tarkastus"), touchpoint_named(path, "Maksu")
    first, second = _survey(), _survey(name="Toinen")
    survey_touchpoints_set(survey=first, delays={inspection.pk: 120, payment.pk: None})
    assert TouchpointSurvey.objects.get(touchpoint=payment).delay_minutes is None

    survey_touchpoints_set(survey=second, delays={payment.pk: 30})
    assert TouchpointSurvey.objects.get(touchpoint=payment).survey == second
    survey_touchpoints_set(survey=first, delays={})
    assert list(TouchpointSurvey.objects.values_list("touchpoint__name", flat=True)) == ["Maksu"]

    grouped = touchpoint_choices_grouped()
    assert [stage.name for stage in grouped[0].stages] == ["Katsastus"]
    assert [tp.link.survey_id if tp.link else None for tp in grouped[0].stages[0].touchpoints] == [None, second.pk]


def test_touchpoint_delay_is_validated():
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    with pytest.raises(DomainError):
        survey_touchpoints_set(survey=_survey(), delays={touchpoint_named(path, "Tarkastus").pk: 60 * 24 * 31})


def test_settings_update_validates_limits_and_the_reminder():
    survey_settings_update(default_delay_minutes=60, quiet_hours_start=dt.time(22, 0), nps_poor_max=5)
    rules = survey_settings_get()
    assert (rules.default_delay_minutes, rules.quiet_hours_start, rules.nps_poor_max) == (60, dt.time(22, 0), 5)
    with pytest.raises(DomainError) as error:
        survey_settings_update(csat_poor_max=6)
    assert "csat_poor_max" in error.value.fields
    with pytest.raises(DomainError) as error:
        survey_settings_update(reminder_after_days=14, link_valid_days=10)
    assert "reminder_after_days" in error.value.fields
    assert survey_settings_get().link_valid_days == 14


def _customers() -> None:
    customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    customer_create(full_name="Eino", email="eino@example.fi", survey_consent=True, language="en")
    customer_create(full_name="Ilmari", email="ilmari@example.fi")
    customer_create(full_name="Oona", email="", phone="0401234567", survey_consent=True)
    unsubscribed = customer_create(full_name="Ulla", email="ulla@example.fi", survey_consent=True)
    unsubscribed.unsubscribed = True
    unsubscribed.save()


def test_audience_summary_counts_who_is_left_out():
    _customers()
    summary = audience_summary(audience={}, rules=survey_settings_get())
    assert (summary.matching, summary.no_consent, summary.unsubscribed, summary.no_email) == (5, 1, 1, 1)
    assert summary.reachable == 2
    english = audience_summary(audience={"language": "en"}, rules=survey_settings_get())
    assert (english.matching, english.reachable) == (1, 1)


def test_send_out_now_invites_the_reachable_customers_once():
    _customers()
    campaign = campaign_create(name="Suhde-NPS", survey=_survey(), audience={}, now=NOON)
    assert campaign.next_run_at == NOON
    assert campaigns_run_due(now=NOON) == 2
    assert campaigns_run_due(now=NOON + dt.timedelta(minutes=1)) == 0
    campaign.refresh_from_db()
    assert campaign.next_run_at is None and campaign.last_run_at == NOON


def test_recurring_send_out_moves_to_its_next_date_and_pause_stops_it():
    _customers()
    campaign = campaign_create(
        name="Kvartaali", survey=_survey(), audience={"language": "fi"}, repeat_every_months=3, now=NOON
    )
    campaigns_run_due(now=NOON)
    campaign.refresh_from_db()
    assert campaign.next_run_at == NOON + dt.timedelta(days=92)
    campaign_pause(campaign=campaign)
    assert campaigns_run_due(now=campaign.next_run_at) == 0
    campaign = campaign_resume(campaign=campaign, now=NOON + dt.timedelta(days=100))
    assert campaign.is_active
    assert campaign.next_run_at > NOON + dt.timedelta(days=100)  # a missed quarter is not sent late


def test_send_out_validation():
    survey = _survey()
    with pytest.raises(DomainError) as error:
        campaign_create(
            name="", survey=survey, audience={}, send_at=NOON - dt.timedelta(days=1), repeat_every_months=0, now=NOON
        )
    assert set(error.value.fields) == {"name", "send_at", "repeat_every_months"}
    survey_update(survey=survey, is_active=False)
    with pytest.raises(DomainError) as error:
        campaign_create(name="X", survey=survey, audience={}, now=NOON)
    assert "survey" in error.value.fields
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("moment", ["21:00:05", "08:00:00"])
def test_the_quiet_hours_defaults_pass_the_system_checks_at_their_own_time_of_day(moment):
    """A fixed time default makes Django warn (W161) around that time, which fails `check --deploy`."""
    import time_machine

    from apps.surveys.models import SurveySettings

    # Django compares the default with the time of day in UTC.
    with time_machine.travel(dt.datetime.fromisoformat(f"2026-12-04T{moment}+00:00"), tick=False):
        warnings = [
            message.id
            for name in ("quiet_hours_start", "quiet_hours_end")
            for message in SurveySettings._meta.get_field(name).check()
        ]
    assert warnings == []
