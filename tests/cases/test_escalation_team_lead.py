"""The escalation ladder: the assignee's reminder, then the lead of their team, then the managers; each
step once, in working days, and the lead may see the case escalated to them."""

import pytest
from django.utils import translation

from apps.accounts.models import Role
from apps.accounts.services import team_update, user_update
from apps.cases.escalation import (
    CASE_ESCALATED_EMAIL,
    CASE_ESCALATED_TO_LEAD_EMAIL,
    CASE_REMINDER_EMAIL,
    case_escalate,
    case_escalate_to_lead,
    cases_late_follow_up,
)
from apps.cases.models import CaseEvent, CaseEventKind
from apps.cases.selectors import case_get, case_list
from apps.customers.services import customer_create
from tests.cases.test_escalation import emails, late_case, local
from tests.conftest import make_user
from tests.factories import TeamFactory
from tests.journeys.factories import map_build, touchpoint_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def touchpoint(db, frontline):
    touchpoint = touchpoint_named(map_build(stages={"Tulos": ["Tuloksen kertominen"]}), "Tuloksen kertominen")
    touchpoint.owner = frontline
    touchpoint.save()
    return touchpoint


@pytest.fixture
def customer(db):
    return customer_create(full_name="Kalle Asiakas", email="kalle@example.fi")


@pytest.fixture
def lead(tenant_alpha):
    return make_user(tenant_alpha, role=Role.FRONTLINE, email="lead@alpha.example", full_name="Liisa Vetäjä")


@pytest.fixture
def desk(frontline, lead):
    team = TeamFactory(name="Asiakaspalvelu")
    user_update(user=frontline, team=team)
    team_update(team=team, lead=lead)
    return team


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).values_list("recipient", flat=True))


def test_the_ladder_goes_to_the_lead_then_the_managers_in_working_days(
    customer, touchpoint, frontline, lead, desk, company_admin
):
    # Due Wednesday 2 December at noon, two working days a step: the lead on Friday 4 December at noon,
    # the managers two working days after that, over the weekend: Tuesday 8 December at noon.
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))

    assert cases_late_follow_up(now=local(2026, 12, 2, 13, 0)) == (1, 0)
    assert cases_late_follow_up(now=local(2026, 12, 4, 11, 59)) == (0, 0)
    assert cases_late_follow_up(now=local(2026, 12, 4, 12, 0)) == (0, 1)
    assert [email.recipient for email in emails(CASE_ESCALATED_TO_LEAD_EMAIL)] == [lead.email]
    assert emails(CASE_ESCALATED_EMAIL) == []

    assert cases_late_follow_up(now=local(2026, 12, 7, 12, 0)) == (0, 0)  # Monday: one working day
    assert cases_late_follow_up(now=local(2026, 12, 8, 11, 59)) == (0, 0)
    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (0, 1)
    assert cases_late_follow_up(now=local(2026, 12, 20, 12, 0)) == (0, 0)

    case.refresh_from_db()
    assert case.lead_escalated_at == local(2026, 12, 4, 12, 0) and case.escalated_to_lead == lead
    assert case.escalated_at == local(2026, 12, 8, 12, 0)
    assert events(case, CaseEventKind.ESCALATED_TO_LEAD) == [lead.pk]
    assert company_admin.pk in events(case, CaseEventKind.ESCALATED)
    assert lead.pk not in events(case, CaseEventKind.ESCALATED)
    assert len(emails(CASE_REMINDER_EMAIL)) == 1 and len(emails(CASE_ESCALATED_TO_LEAD_EMAIL)) == 1
    [to_lead] = emails(CASE_ESCALATED_TO_LEAD_EMAIL)
    assert "Asiakaspalvelu" in to_lead.body_text and f"/cases/{case.pk}/" in to_lead.body_text
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATED_TO_LEAD)
    with translation.override("en"):
        assert event.description == "Escalated to team lead Liisa Vetäjä"
    with translation.override("fi"):
        assert event.description == "Eskaloitu tiiminvetäjälle Liisa Vetäjä"


def test_without_a_lead_the_case_goes_straight_to_the_managers(customer, touchpoint, frontline, company_admin):
    team = TeamFactory(name="Ilman vetäjää")
    user_update(user=frontline, team=team)
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))

    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (1, 1)
    assert emails(CASE_ESCALATED_TO_LEAD_EMAIL) == []
    assert company_admin.pk in events(case, CaseEventKind.ESCALATED)
    case.refresh_from_db()
    assert case.lead_escalated_at is None and case.escalated_to_lead is None


def test_a_lead_who_is_the_assignee_is_skipped(customer, touchpoint, frontline, company_admin):
    team = TeamFactory(name="Oma tiimi")
    user_update(user=frontline, team=team)
    team_update(team=team, lead=frontline)
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))

    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (1, 1)
    assert emails(CASE_ESCALATED_TO_LEAD_EMAIL) == []
    assert events(case, CaseEventKind.ESCALATED_TO_LEAD) == []
    assert company_admin.pk in events(case, CaseEventKind.ESCALATED)


def test_a_lead_deactivated_since_is_skipped(customer, touchpoint, frontline, lead, desk, company_admin):
    user_update(user=lead, is_active=False)
    late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))
    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (1, 1)
    assert emails(CASE_ESCALATED_TO_LEAD_EMAIL) == []


def test_each_step_is_claimed_once(customer, touchpoint, frontline, lead, desk, company_admin):
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))
    at_lead = local(2026, 12, 4, 12, 0)
    assert case_escalate_to_lead(case_id=case.pk, escalate_after_working_days=2, now=at_lead) is True
    assert case_escalate_to_lead(case_id=case.pk, escalate_after_working_days=2, now=at_lead) is False
    # Not yet the managers' turn: two working days after the lead.
    assert case_escalate(case_id=case.pk, escalate_after_working_days=2, now=at_lead) is False
    at_managers = local(2026, 12, 8, 12, 0)
    assert case_escalate(case_id=case.pk, escalate_after_working_days=2, now=at_managers) is True
    assert case_escalate(case_id=case.pk, escalate_after_working_days=2, now=at_managers) is False
    assert len(emails(CASE_ESCALATED_TO_LEAD_EMAIL)) == 1
    assert len(events(case, CaseEventKind.ESCALATED_TO_LEAD)) == 1


def test_a_case_escalated_to_the_managers_before_teams_had_leads_is_not_sent_to_the_lead(
    customer, touchpoint, frontline, lead, company_admin
):
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))
    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (1, 1)
    team = TeamFactory(name="Myöhemmin")
    user_update(user=frontline, team=team)
    team_update(team=team, lead=lead)
    assert cases_late_follow_up(now=local(2026, 12, 20, 12, 0)) == (0, 0)
    assert events(case, CaseEventKind.ESCALATED_TO_LEAD) == []


def test_the_lead_email_is_in_the_leads_language(customer, touchpoint, frontline, lead, desk, company_admin):
    lead.language = "sv"
    lead.save()
    late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))
    cases_late_follow_up(now=local(2026, 12, 4, 12, 0))
    [email] = emails(CASE_ESCALATED_TO_LEAD_EMAIL)
    assert email.subject == "Försenat uppföljningsärende i ditt team: Kalle Asiakas"
    assert "Asiakaspalvelu" in email.body_text and "teamledare" in email.body_text


def test_a_frontline_lead_sees_the_case_escalated_to_them_and_no_other(
    client_for, customer, touchpoint, frontline, lead, desk, company_admin
):
    escalated = late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))
    not_yet = late_case(customer, touchpoint, due_at=local(2026, 12, 3, 12, 0))
    before = case_list(user=lead)
    assert list(before) == []
    cases_late_follow_up(now=local(2026, 12, 4, 12, 0))

    assert [case.pk for case in case_list(user=lead)] == [escalated.pk]
    assert case_get(user=lead, case_id=not_yet.pk) is None
    assert [case.pk for case in case_list(user=lead, mine=True)] == []
    client = client_for(lead)
    page = client.get(f"/cases/{escalated.pk}/")
    assert page.status_code == 200
    assert "Liisa Vetäjä" in page.content.decode()
    assert client.get(f"/cases/{not_yet.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{escalated.pk}/").json()["escalated_to_lead"] == lead.pk
    assert client.get(f"/api/v1/cases/{not_yet.pk}/").status_code == 404
    # The assignee still sees their own cases; the managers all of them.
    assert {case.pk for case in case_list(user=frontline)} == {escalated.pk, not_yet.pk}


def test_the_case_page_shows_who_it_went_to(client_for, customer, touchpoint, frontline, lead, desk, company_admin):
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))
    cases_late_follow_up(now=local(2026, 12, 4, 12, 0))
    page = client_for(company_admin).get(f"/cases/{case.pk}/").content.decode()  # the company speaks Finnish
    assert "Eskaloitu tiiminvetäjälle Liisa Vetäjä" in page
    profile = client_for(company_admin).get(f"/customers/{customer.pk}/").content.decode()
    assert "Eskaloitu tiiminvetäjälle Liisa Vetäjä" in profile
