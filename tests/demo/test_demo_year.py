"""The demo company's year: what a leadership dashboard shows on first start, rows as the services write them."""

import datetime as dt
from collections import defaultdict
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Team
from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.timeliness import Timeliness
from apps.cases.working_days import add_working_days
from apps.customers.consent import ConsentState, consent_replay
from apps.customers.models import ConsentEvent, Customer
from apps.demo.seeds import SEEDERS
from apps.demo.seeds.context import DemoContext
from apps.demo.seeds.users import TEAM_INSPECTORS, TEAM_MANAGEMENT, TEAM_SERVICE
from apps.encounters.models import Encounter
from apps.journeys.models import Touchpoint
from apps.metrics.formulas import nps_score
from apps.metrics.services import metrics_recompute_full
from apps.surveys.models import Answer, EmailKind, EmailStatus, Invitation, InvitationStatus, Response
from apps.surveys.selectors import survey_settings_get
from apps.surveys.tokens import token_for, token_hash

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
MANAGED = {
    "Ilmoittautuminen tiskillä",
    "Katsastus hallissa",
    "Katsastajan selitys havainnoista",
    "Ajanvaraus puhelimessa",
}


@pytest.fixture
def demo_year(tenant_alpha) -> DemoContext:
    context = DemoContext(tenant=tenant_alpha, random=Random(2026))
    for seeder in SEEDERS:
        seeder.seed(context=context)
    return context


def _nps_answers(*, since: dt.datetime) -> dict[str, list[int]]:
    return _scores("nps", since=since)


def _scores(kind: str, *, since: dt.datetime) -> dict[str, list[int]]:
    """The answers at each touchpoint (the relationship send-out's answers follow no touchpoint)."""
    scores: dict[str, list[int]] = defaultdict(list)
    rows = Answer.objects.filter(
        type=kind, response__submitted_at__gte=since, response__touchpoint__isnull=False
    ).values_list("response__touchpoint__name", "score")
    for name, score in rows:
        scores[name].append(score)
    return scores


def _mean(scores: list[int]) -> float:
    return sum(scores) / len(scores)


def _nps(scores: list[int]) -> int | None:
    return nps_score(
        promoters=sum(score >= 9 for score in scores),
        detractors=sum(score <= 6 for score in scores),
        answers=len(scores),
    )


def test_the_demo_year_spans_a_year_with_answers_every_month(demo_year):
    now = timezone.now()
    first, last = (
        Encounter.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first(),
        Encounter.objects.order_by("-occurred_at").values_list("occurred_at", flat=True).first(),
    )
    assert (last - first).days >= 330
    assert 2500 <= Encounter.objects.count() <= 4500

    months = {
        (moment.astimezone(HELSINKI).year, moment.astimezone(HELSINKI).month)
        for moment in Response.objects.values_list("submitted_at", flat=True)
    }
    today = now.astimezone(HELSINKI).date()
    for back in range(12):
        month = (today.year * 12 + today.month - 1) - back
        assert (month // 12, month % 12 + 1) in months, f"no answers {back} months back"

    # Staff meet customers in working hours, never on Sundays.
    for moment in Encounter.objects.values_list("occurred_at", flat=True):
        local = moment.astimezone(HELSINKI)
        assert local.weekday() != 6
        assert dt.time(8) <= local.time() <= dt.time(17)

    # About two thirds agree to the survey; about half of those who got it answer.
    encounters = Encounter.objects.count()
    agreed = Encounter.objects.filter(survey_agreed=True).count()
    assert 0.55 <= agreed / encounters <= 0.75
    delivered = Invitation.objects.filter(status__in=[InvitationStatus.SENT, InvitationStatus.ANSWERED]).count()
    answered = Invitation.objects.filter(status=InvitationStatus.ANSWERED).count()
    assert 0.45 <= answered / delivered <= 0.65

    # Volume grows: the last quarter is busier than the first one.
    first_quarter = Encounter.objects.filter(occurred_at__lt=first + dt.timedelta(days=90)).count()
    last_quarter = Encounter.objects.filter(occurred_at__gte=now - dt.timedelta(days=90)).count()
    assert last_quarter > first_quarter * 1.2


def test_the_last_90_days_show_every_maturity_level_a_weak_ending_and_a_perception_gap(demo_year):
    now = timezone.now()
    window = now - dt.timedelta(days=90)
    touchpoints = {touchpoint.name: touchpoint for touchpoint in Touchpoint.objects.select_related("stage__path")}
    recent = _nps_answers(since=window)
    late = defaultdict(int)
    at_touchpoints = FollowUpCase.objects.filter(created_at__gte=window, touchpoint__isnull=False)
    for case in at_touchpoints.select_related("touchpoint"):
        if case.timeliness(now) == Timeliness.LATE:
            late[case.touchpoint.name] += 1

    # Managed: designed, 30+ answers, NPS at or above target, every case followed up in time.
    for name in MANAGED:
        touchpoint = touchpoints[name]
        assert touchpoint.owner_id and touchpoint.intended_experience and touchpoint.target_nps is not None
        assert len(recent[name]) >= 30, name
        assert _nps(recent[name]) >= touchpoint.target_nps, name
        assert late[name] == 0, name
    # ... while in the first quarter of the year most of them missed their target: the maturity trend rises.
    early: dict[str, list[int]] = defaultdict(list)
    first_quarter = Answer.objects.filter(
        type="nps", response__submitted_at__lt=now - dt.timedelta(days=270), response__touchpoint__isnull=False
    )
    for name, score in first_quarter.values_list("response__touchpoint__name", "score"):
        early[name].append(score)
    assert sum(_nps(early[name]) < touchpoints[name].target_nps for name in MANAGED) >= 3

    # Designed but not managed: the end moment misses its target and has late cases.
    end = touchpoints["Maksu ja lähtö"]
    assert end.is_end
    assert _nps(recent[end.name]) < end.target_nps
    assert late[end.name] >= 1

    # Ad hoc: no owner, or no intended experience written, though customers meet them.
    assert touchpoints["Pysäköinti ja opasteet"].owner_id is None
    assert touchpoints["Soitto asiakaspalveluun"].intended_experience == ""
    assert recent["Pysäköinti ja opasteet"] and recent["Soitto asiakaspalveluun"]

    # Weak ending: the inspection path's end moment trails the rest of the path by 10+ NPS points.
    path = end.stage.path
    rest = [
        score
        for name, scores in recent.items()
        if name != end.name and touchpoints[name].stage.path_id == path.pk
        for score in scores
    ]
    assert _nps(rest) - _nps(recent[end.name]) >= 10

    # Perception gap: inspectors read the customer too positively at the result, elsewhere staff agree.
    gaps: dict[str, list[int]] = defaultdict(list)
    rows = Answer.objects.filter(type="csat", response__submitted_at__gte=window).values_list(
        "response__touchpoint__name", "response__encounter__end_feeling", "score"
    )
    for name, staff_read, csat in rows:
        gaps[name].append(staff_read - (csat - 3))
    assert sum(gaps["Tulos ja todistus"]) / len(gaps["Tulos ja todistus"]) >= 0.4
    for name in MANAGED:
        assert abs(sum(gaps[name]) / len(gaps[name])) < 0.3, name


def test_customers_find_it_easy_where_things_go_well_and_hard_on_the_complaint_calls_and_at_the_end(demo_year):
    window = timezone.now() - dt.timedelta(days=90)
    touchpoints = {touchpoint.name: touchpoint for touchpoint in Touchpoint.objects.select_related("stage__path")}
    recent = _scores("ces", since=window)
    # Every answer after an encounter has its effort score, on the 1-7 scale.
    assert Answer.objects.filter(type="ces").count() == Response.objects.filter(encounter__isnull=False).count()
    assert set(Answer.objects.filter(type="ces").values_list("score", flat=True)) <= set(range(1, 8))

    # Mostly 5-7 where things go well.
    for name in MANAGED:
        assert sum(score >= 5 for score in recent[name]) / len(recent[name]) >= 0.75, name
    # The weak ending: harder than the rest of its path.
    end = touchpoints["Maksu ja lähtö"]
    rest = [
        score
        for name, scores in recent.items()
        if name != end.name and touchpoints[name].stage.path_id == end.stage.path_id
        for score in scores
    ]
    assert _mean(rest) - _mean(recent[end.name]) >= 0.8
    # The complaint path's phone calls take more effort than the inspection path, over the year and lately.
    year = _scores("ces", since=timezone.now() - dt.timedelta(days=400))
    inspection = _mean([score for name in MANAGED for score in year[name]])
    calls = ("Soitto asiakaspalveluun", "Ratkaisupuhelu")
    for name in calls:
        assert _mean(year[name]) < inspection, name
    assert _mean([score for name in calls for score in year[name]]) <= inspection - 0.8
    complaint = [
        score
        for name, scores in recent.items()
        if touchpoints[name].stage.path.name == "Reklamaatio"
        for score in scores
    ]
    assert _mean(complaint) <= _mean(rest) - 0.6

    # A poor effort score mostly comes with a poor NPS or CSAT: few cases open on CES alone.
    measures = [
        {score["measure"] for score in scores}
        for scores in FollowUpCase.objects.values_list("reason_scores", flat=True)
    ]
    assert any("ces" in poor for poor in measures)
    assert len([poor for poor in measures if poor == {"ces"}]) <= 0.06 * len(measures)


def test_the_dashboard_shows_the_effort_score(demo_year, client_for: Any, manager):
    metrics_recompute_full(trigger="test")
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:company")).content.decode()
    assert "found it easy (5\N{EN DASH}7)" in html


def test_every_answer_says_whether_the_matter_was_taken_care_of_and_the_touchpoint_page_shows_it(
    demo_year, client_for: Any, manager
):
    # One yes/no answer with every answer after an encounter, bulk-written or submitted: yes only when the
    # encounter resolved the matter.
    yes_no = Answer.objects.filter(type="yesno")
    assert yes_no.count() == Response.objects.filter(encounter__isnull=False).count()
    assert not yes_no.filter(score=1).exclude(response__encounter__outcome="resolved").exists()
    assert yes_no.filter(score=0, response__encounter__outcome="resolved").exists()
    # The yes share follows the touchpoint: the complaint calls are taken care of less often than the inspection.
    shares = {}
    for name in ("Katsastus hallissa", "Soitto asiakaspalveluun"):
        answers = list(yes_no.filter(response__touchpoint__name=name).values_list("score", flat=True))
        shares[name] = sum(answers) / len(answers)
    assert shares["Soitto asiakaspalveluun"] < shares["Katsastus hallissa"]
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    touchpoint = Touchpoint.objects.get(name="Katsastus hallissa")
    html = client.get(reverse("dashboards:touchpoint", args=[touchpoint.pk])).content.decode()
    assert "Did you get your matter taken care of?" in html and "95% interval" in html


def test_teams_have_enough_contributors_for_the_perception_gap(demo_year):
    window = timezone.now() - dt.timedelta(days=90)
    contributors = dict(
        Team.objects.filter(members__logged_encounters__responses__submitted_at__gte=window)
        .annotate(people=Count("members", distinct=True))
        .values_list("name", "people")
    )
    assert contributors[TEAM_SERVICE] >= 3
    assert contributors[TEAM_INSPECTORS] >= 3
    assert contributors.get(TEAM_MANAGEMENT, 0) < 3  # the small team stays under the privacy floor


def test_bulk_written_history_matches_what_the_services_write(demo_year):
    rules = survey_settings_get()
    # The encounters' invitations (the relationship send-out's: test_the_relationship_send_out_...).
    invitations = list(
        Invitation.objects.filter(campaign__isnull=True).select_related("encounter__touchpoint__stage", "response")
    )
    assert invitations
    for invitation in invitations:
        assert invitation.token_hash == token_hash(token_for(invitation.token_nonce))
        assert invitation.touchpoint_id == invitation.encounter.touchpoint_id
        assert invitation.created_at == invitation.encounter.occurred_at + dt.timedelta(minutes=1)
        if invitation.status == InvitationStatus.SUPPRESSED:
            assert invitation.suppression_reason and invitation.sent_at is None
            continue
        if invitation.status == InvitationStatus.SCHEDULED:
            continue
        assert invitation.expires_at == invitation.sent_at + dt.timedelta(days=rules.link_valid_days)
        if invitation.status == InvitationStatus.ANSWERED:
            response = invitation.response
            assert invitation.sent_at < invitation.answered_at == response.submitted_at < invitation.expires_at
            assert response.encounter_id == invitation.encounter_id
            assert response.customer_id == invitation.encounter.customer_id
            assert response.touchpoint_id == invitation.encounter.touchpoint_id
            assert response.path_id == invitation.encounter.touchpoint.stage.path_id
    sent_emails = dict(
        Invitation.objects.filter(emails__kind=EmailKind.INITIAL, emails__status=EmailStatus.SENT).values_list(
            "pk", "emails__sent_at"
        )
    )
    for invitation in invitations:
        if invitation.status in (InvitationStatus.SENT, InvitationStatus.ANSWERED):
            assert sent_emails[invitation.pk] == invitation.sent_at

    # Every poor answer opened one case, due in working days, for the touchpoint's owner.
    responses = {
        response.invitation_id: response
        for response in Response.objects.filter(encounter__isnull=False).prefetch_related("answers")
    }
    cases = {case.source_key: case for case in FollowUpCase.objects.prefetch_related("events")}
    for invitation_id, response in responses.items():
        scores = {answer.type: answer.score for answer in response.answers.all()}
        limits = (("nps", rules.nps_poor_max), ("csat", rules.csat_poor_max), ("ces", rules.ces_poor_max))
        poor_scores = [{"measure": kind, "score": scores[kind]} for kind, limit in limits if scores[kind] <= limit]
        case = cases.get(f"invitation:{invitation_id}")
        assert (case is not None) == bool(poor_scores)
        if case is None:
            continue
        assert (case.reason_code, case.reason_scores) == ("poor_answer", poor_scores)
        assert case.due_at == add_working_days(
            response.submitted_at, days=rules.case_due_working_days, time_zone="Europe/Helsinki"
        )
        assert case.notified_at is not None
        assert case.created_at == response.submitted_at  # opened by the answer, also in the last 30 days
        events = list(case.events.all())
        assert events[0].to_status == CaseStatus.OPEN and events[0].at == response.submitted_at
        assert [event.to_status for event in events] == [
            CaseStatus.OPEN,
            *([CaseStatus.CONTACTED] if case.contacted_at else []),
            *([CaseStatus.RESOLVED] if case.resolved_at else []),
        ]
        if case.resolved_at:
            assert case.status == CaseStatus.RESOLVED and case.resolved_by_id == case.assignee_id


def test_the_seeded_consent_is_the_replay_of_its_ledger(demo_year):
    """Bulk-seeded customers and those the seed logs through the services alike: the consent
    columns are what their ledger replays to, and consent at an encounter names it."""
    ledgers = defaultdict(list)
    for event in ConsentEvent.objects.order_by("id"):
        ledgers[event.customer_id].append(event)
    customers = list(Customer.objects.all())
    assert sum(customer.survey_consent for customer in customers) > len(customers) // 2
    assert any(customer.unsubscribed for customer in customers)
    for customer in customers:
        assert ConsentState.of(customer) == consent_replay(ledgers[customer.pk]), customer.pk
    at_encounters = ConsentEvent.objects.filter(encounter_ref__isnull=False)
    assert at_encounters.exists()
    assert not at_encounters.filter(actor__isnull=True).exists()
    assert set(ConsentEvent.objects.values_list("wording__version", flat=True)) == {1}


def test_demo_customers_were_added_over_the_year_before_they_first_appear(demo_year):
    now = timezone.now()
    customers = list(Customer.objects.values("pk", "created_at"))
    added_days = {row["created_at"].date() for row in customers}
    assert len(added_days) > 200  # spread over the history, not all on the day the demo was made
    assert all(row["created_at"] < now - dt.timedelta(minutes=4) for row in customers)
    first_visit = dict(
        Encounter.objects.values("customer_id").annotate(first=Min("occurred_at")).values_list("customer_id", "first")
    )
    first_consent = dict(
        ConsentEvent.objects.values("customer_id").annotate(first=Min("at")).values_list("customer_id", "first")
    )
    for row in customers:
        for first in (first_visit.get(row["pk"]), first_consent.get(row["pk"])):
            assert first is None or row["created_at"] < first


def test_the_relationship_send_out_is_written_as_the_services_would(demo_year):
    """Twice a year to the customers who may be surveyed; the frequency cap holds; poor answers open cases."""
    rules = survey_settings_get()
    invitations = list(Invitation.objects.filter(campaign__isnull=False).select_related("response"))
    assert len({invitation.created_at for invitation in invitations}) == 2
    cases = {case.source_key: case for case in FollowUpCase.objects.filter(touchpoint__isnull=True)}
    answered = 0
    for invitation in invitations:
        assert invitation.token_hash == token_hash(token_for(invitation.token_nonce))
        assert invitation.encounter_id is None and invitation.touchpoint_id is None
        if invitation.status == InvitationStatus.SUPPRESSED:
            assert invitation.suppression_reason == "frequency_cap" and invitation.sent_at is None
            continue
        assert invitation.expires_at == invitation.sent_at + dt.timedelta(days=rules.link_valid_days)
        if invitation.status != InvitationStatus.ANSWERED:
            continue
        answered += 1
        response = invitation.response
        assert invitation.sent_at < invitation.answered_at == response.submitted_at < invitation.expires_at
        assert (response.encounter_id, response.touchpoint_id, response.path_id) == (None, None, None)
        score = response.answers.get(type="nps").score
        case = cases.get(f"invitation:{invitation.pk}")
        assert (case is not None) == (score <= rules.nps_poor_max)
        if case is not None:
            assert case.reason_scores == [{"measure": "nps", "score": score}]
            assert case.created_at == response.submitted_at and case.assignee is not None
    assert answered >= 300
