"""Late cases: the assignee's reminder, then the escalation to their manager; each once, in working days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import translation

from apps.accounts.models import Role, User
from apps.cases.escalation import (
    CASE_ESCALATED_EMAIL,
    CASE_REMINDER_EMAIL,
    case_escalation_days,
    case_escalation_due_at,
    case_remind,
    cases_late_follow_up,
)
from apps.cases.models import CaseEvent, CaseEventKind, FollowUpCase
from apps.cases.reasons import CaseReason, PoorScore
from apps.cases.services import case_mark_contacted, case_open
from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.locations.services import location_scope_set
from apps.outbox.models import OutboundEmail
from apps.surveys.services import survey_settings_update
from tests.conftest import make_user
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture
def touchpoint(db, frontline):
    touchpoint = touchpoint_named(map_build(stages={"Tulos": ["Tuloksen kertominen"]}), "Tuloksen kertominen")
    touchpoint.owner = frontline
    touchpoint.save()
    return touchpoint


@pytest.fixture
def customer(db):
    return customer_create(full_name="Kalle Asiakas", email="kalle@example.fi")


def late_case(customer, touchpoint, *, due_at: dt.datetime, **kwargs) -> FollowUpCase:
    case = case_open(
        customer=customer,
        touchpoint=touchpoint,
        reason=CaseReason.poor_answer([PoorScore(measure="nps", score=2)]),
        due_working_days=2,
        now=due_at - dt.timedelta(days=2),
        **kwargs,
    )
    FollowUpCase.objects.filter(pk=case.pk).update(due_at=due_at)
    case.refresh_from_db()
    return case


def emails(kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=kind).order_by("id"))


def test_the_company_counts_in_helsinki_time():
    assert connection.tenant.time_zone == "Europe/Helsinki"


def test_a_late_case_reminds_its_assignee_once(customer, touchpoint, frontline, company_admin):
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 1, 12, 0))
    now = local(2026, 12, 1, 12, 30)

    assert cases_late_follow_up(now=now) == (1, 0)
    assert cases_late_follow_up(now=now) == (0, 0)
    assert case_remind(case_id=case.pk, now=now) is False

    [reminder] = emails(CASE_REMINDER_EMAIL)
    assert reminder.recipient == frontline.email and reminder.customer_id == customer.pk
    assert "Kalle Asiakas" in reminder.subject and f"/cases/{case.pk}/" in reminder.body_text
    case.refresh_from_db()
    assert case.reminded_at == now and case.escalated_at is None
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.REMINDED)
    assert event.recipient == frontline and event.actor is None
    assert emails(CASE_ESCALATED_EMAIL) == []


def test_a_case_not_yet_due_or_followed_up_sends_nothing(customer, touchpoint, manager, company_admin):
    due = local(2026, 12, 1, 12, 0)
    not_due = late_case(customer, touchpoint, due_at=local(2026, 12, 2, 12, 0))
    contacted_late = late_case(customer, touchpoint, due_at=due)
    case_mark_contacted(case=contacted_late, actor=manager, now=due + dt.timedelta(hours=1))

    assert cases_late_follow_up(now=local(2026, 12, 10, 9, 0) - dt.timedelta(days=8)) == (0, 0)
    assert cases_late_follow_up(now=local(2026, 12, 10, 9, 0)) == (1, 1)  # only `not_due`, now long late
    assert {event.case_id for event in CaseEvent.objects.filter(kind=CaseEventKind.ESCALATED)} == {not_due.pk}


def test_escalation_waits_the_working_days_over_a_weekend(customer, touchpoint, frontline, company_admin):
    # Due on Friday 4 December at noon; two working days later is Tuesday 8 December at noon.
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))

    assert cases_late_follow_up(now=local(2026, 12, 7, 13, 0)) == (1, 0)
    assert cases_late_follow_up(now=local(2026, 12, 8, 11, 59)) == (0, 0)
    assert cases_late_follow_up(now=local(2026, 12, 8, 12, 0)) == (0, 1)
    assert cases_late_follow_up(now=local(2026, 12, 9, 12, 0)) == (0, 0)

    # Nobody is scoped to the case's place (it has no encounter): the company's admins hear of it.
    admins = set(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True))
    escalations = emails(CASE_ESCALATED_EMAIL)
    assert company_admin.email in admins and {email.recipient for email in escalations} == admins
    assert len(escalations) == len(admins) and frontline.full_name in escalations[0].body_text
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATED, recipient=company_admin)
    with translation.override("en"):
        assert event.description == f"Escalated to {company_admin}"
    assert len(emails(CASE_REMINDER_EMAIL)) == 1


def test_holidays_are_not_working_days():
    # Christmas Eve and Christmas Day 2026 are a Thursday and a Friday; then a weekend.
    assert case_escalation_due_at(due_at=local(2026, 12, 23, 12, 0), escalate_after_working_days=2) == local(
        2026, 12, 29, 12, 0
    )


def test_the_company_sets_the_working_days(customer, touchpoint, company_admin):
    survey_settings_update(case_escalate_after_working_days=1)
    late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))
    assert cases_late_follow_up(now=local(2026, 12, 7, 12, 0)) == (1, 1)


def test_escalation_goes_to_the_managers_scoped_to_the_place(
    customer, touchpoint, frontline, manager, company_admin, tenant_alpha
):
    station_a = location_build(name="Asema A", code="ESKA", region=region_path_build("Etelä"))
    station_b = location_build(name="Asema B", code="ESKB", region=region_path_build("Pohjoinen"))
    manager.language = "sv"
    manager.save()
    location_scope_set(user=manager, regions=[], locations=[station_a], acting_user=None)
    manager_of_b = make_user(tenant_alpha, role=Role.MANAGER, email="b@alpha.example")
    location_scope_set(user=manager_of_b, regions=[], locations=[station_b], acting_user=None)
    encounter = encounter_log(
        logged_by=frontline, customer=customer, touchpoint=touchpoint, outcome="resolved", location=station_a
    )
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 1, 12, 0), encounter=encounter)

    assert cases_late_follow_up(now=local(2026, 12, 4, 12, 0)) == (1, 1)

    [escalation] = emails(CASE_ESCALATED_EMAIL)
    assert escalation.recipient == manager.email
    assert escalation.subject.startswith("Försenat uppföljningsärende")  # in the manager's language
    assert list(
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.ESCALATED).values_list("recipient", flat=True)
    ) == [manager.pk]


def test_the_case_page_shows_the_reminder_and_the_escalation(client_for, customer, touchpoint, company_admin):
    case = late_case(customer, touchpoint, due_at=local(2026, 12, 4, 12, 0))
    cases_late_follow_up(now=local(2026, 12, 10, 12, 0))
    page = client_for(company_admin).get(f"/cases/{case.pk}/").content.decode()  # the company speaks Finnish
    assert f"Eskaloitu henkilölle {company_admin}" in page
    assert "Myöhässä: muistutus lähetetty henkilölle Frontline Person" in page
    assert "Muistutettu 10.12.2026" in page


def test_the_setting_is_on_the_survey_settings_page(client_for, company_admin):
    client = client_for(company_admin)
    page = client.get("/surveys/settings/").content.decode()
    assert "Myöhästyneen tapauksen eskalointi (työpäivän kuluttua)" in page
    form = client.get("/surveys/settings/").context["form"]
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data["quiet_hours_start"], data["quiet_hours_end"] = "21:00", "08:00"
    for bad in ("0", "31", "x"):
        response = client.post("/surveys/settings/", {**data, "case_escalate_after_working_days": bad})
        assert response.status_code == 400
    assert client.post("/surveys/settings/", {**data, "case_escalate_after_working_days": "5"}).status_code == 302
    assert case_escalation_days() == 5
