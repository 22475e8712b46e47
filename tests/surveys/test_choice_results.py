"""Choice and yes/no answers read from real rows: counts and shares on the survey's page and in its CSV, never in
NPS, CSAT or CES."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from apps.customers.models import Customer
from apps.metrics.models import DailyRollup, Grain
from apps.metrics.services import metrics_recompute_full
from apps.surveys.distributions import choice_distributions
from apps.surveys.models import Invitation, InvitationStatus, Response
from apps.surveys.responses import response_submit
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import invitation_deliver
from tests.surveys.test_follow_ups import depth_survey_build

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def answered(db: None):
    """Four answers at a counter: NPS 3, 9, 10, 6; yes, yes, no, yes; options chosen by some."""
    survey = depth_survey_build()
    touchpoint = touchpoint_named(map_build(stages={"Käynti": ["Tiski"]}), "Tiski")
    keys = {question.position: f"q{question.pk}" for question in survey.questions.all()}
    options = {
        option.label_fi: str(option.pk) for question in survey.questions.all() for option in question.options.all()
    }
    rows = [
        {keys[1]: "3", keys[2]: "Jono", keys[3]: "1", keys[4]: [options["Nopeus"], options["Hinta <b>"]]},
        {keys[1]: "9", keys[3]: "1", keys[4]: options["Nopeus"], keys[5]: options["Verkossa"]},
        {keys[1]: "10", keys[3]: "0", keys[5]: options["Puhelimessa"]},
        {keys[1]: "6", keys[2]: "Kallis", keys[3]: "1"},
    ]
    customer = Customer.objects.create(full_name="Anna", email="anna@example.fi")
    for index, raw in enumerate(rows):
        at = AT + dt.timedelta(minutes=index)
        invitation = invitation_deliver(survey=survey, customer=customer, touchpoint=touchpoint, at=at)
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SENT, expires_at=at + dt.timedelta(days=14)
        )
        response_submit(invitation_id=invitation.pk, raw_answers=raw, now=at)
    return survey


def test_counts_and_shares_per_option_and_the_yes_share(answered, manager):
    with translation.override("en"):
        distributions = choice_distributions(user=manager, survey=answered, language="en")
    items = {item.question.position: item for item in distributions}
    assert sorted(items) == [3, 4, 5]
    yes_no = items[3]
    assert (yes_no.answers, yes_no.yes_share) == (4, 75.0)
    assert [(row.label, row.count, row.share) for row in yes_no.rows] == [("Yes", 3, 75.0), ("No", 1, 25.0)]
    # Multiple choice: shares of the two who answered it, so they add up to more than 100 %.
    assert items[4].answers == 2
    assert [(row.label, row.count, row.share) for row in items[4].rows] == [
        ("Speed", 2, 100.0),
        ("Friendliness", 0, 0.0),
        ("Price <b>", 1, 50.0),
    ]
    assert [(row.label, row.count, row.hidden) for row in items[5].rows] == [
        ("Online", 1, False),
        ("By phone", 1, False),
        ("Old way", 0, True),
    ]


def test_nps_counts_only_the_nps_answers(answered):
    metrics_recompute_full()
    totals = {"nps_n": 0, "nps_promoters": 0, "nps_detractors": 0, "csat_n": 0, "ces_n": 0}
    for row in DailyRollup.objects.filter(grain=Grain.TOUCHPOINT).values(*totals):
        for name in totals:
            totals[name] += row[name]
    # Four NPS answers (3, 9, 10, 6): two promoters, two detractors; the yes/no scores 1 and 0 count nowhere.
    assert totals == {"nps_n": 4, "nps_promoters": 2, "nps_detractors": 2, "csat_n": 0, "ces_n": 0}


def test_the_survey_page_and_its_csv_show_the_distribution(answered, client_for, manager):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/surveys/{answered.pk}/").content.decode()
    assert "Choice and yes/no answers" in page
    assert "yes 75 %" in page and "Price &lt;b&gt;" in page
    export = client.get(f"/surveys/{answered.pk}/answers.csv?delimiter=comma")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + Response.objects.count()
    assert lines[0].startswith("Response,Submitted,Source,Touchpoint,Language,1. How likely")
    assert lines[1].endswith(',fi,3,Yes,"Speed, Price <b>",')
    # No free text in this export: the comments go out, logged, from the comments page.
    assert "Jono" not in export.content.decode()


def test_finnish_page_and_the_outsider(answered, client_for, manager, outsider, frontline):
    page = client_for(manager).get(f"/surveys/{answered.pk}/").content.decode()
    assert "Valinta- ja kyllä/ei-vastaukset" in page and "kyllä 75 %" in page
    assert client_for(frontline).get(f"/surveys/{answered.pk}/answers.csv").status_code == 403
    assert client_for(outsider).get(f"/surveys/{answered.pk}/answers.csv").status_code == 404
