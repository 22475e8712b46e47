"""Follow-up cases: who gets them, when they are due, how they move, and who may see them."""

import datetime as dt

import pytest
from django.core import mail

from apps.accounts.models import Role
from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.reasons import CaseReason, PoorScore
from apps.cases.services import case_assignment_notify, case_mark_contacted, case_open, case_resolve
from apps.core.exceptions import DomainError
from apps.customers.services import customer_create
from tests.conftest import outbox_deliver_due
from tests.journeys.factories import map_build, touchpoint_named

pytestmark = pytest.mark.django_db

# Friday 27 November 2026, 12:00 in Helsinki.
FRIDAY_NOON = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def customer(db):
    return customer_create(full_name="Kalle Asiakas", email="kalle@example.fi")


@pytest.fixture
def touchpoint(db):
    return touchpoint_named(map_build(stages={"Tulos": ["Tuloksen kertominen"]}), "Tuloksen kertominen")


def open_case(customer, touchpoint, **kwargs):
    return case_open(
        customer=customer,
        touchpoint=touchpoint,
        reason=CaseReason.poor_answer([PoorScore(measure="nps", score=2)]),
        due_working_days=2,
        now=FRIDAY_NOON,
        **kwargs,
    )


def test_case_goes_to_the_owner_then_the_backup_then_an_admin(customer, touchpoint, manager, frontline, company_admin):
    touchpoint.owner, touchpoint.backup_owner = manager, frontline
    touchpoint.save()
    assert open_case(customer, touchpoint, source_key="a").assignee == manager

    manager.is_active = False
    manager.save()
    touchpoint.refresh_from_db()
    assert open_case(customer, touchpoint, source_key="b").assignee == frontline

    touchpoint.owner = touchpoint.backup_owner = None
    touchpoint.save()
    founder = open_case(customer, touchpoint, source_key="c").assignee
    assert founder.role == Role.ADMIN


def test_due_in_two_working_days_skipping_the_weekend(customer, touchpoint):
    case = open_case(customer, touchpoint)
    assert case.due_at == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # Tuesday noon


def test_one_source_opens_one_case(customer, touchpoint):
    first = open_case(customer, touchpoint, source_key="invitation:7")
    second = open_case(customer, touchpoint, source_key="invitation:7")
    assert first.pk == second.pk
    assert FollowUpCase.objects.count() == 1


def test_open_contacted_resolved_with_history(customer, touchpoint, manager):
    case = open_case(customer, touchpoint)
    later = FRIDAY_NOON + dt.timedelta(hours=1)
    case = case_mark_contacted(case=case, actor=manager, note="Soitin, ei vastannut", now=later)
    with pytest.raises(DomainError):
        case_resolve(case=case, actor=manager, note="  ")
    case = case_resolve(case=case, actor=manager, note="Tarjottiin uusintatarkastus veloituksetta", now=later)
    assert case.status == CaseStatus.RESOLVED
    assert list(case.events.values_list("to_status", flat=True)) == ["open", "contacted", "resolved"]
    with pytest.raises(DomainError):
        case_mark_contacted(case=case, actor=manager)


def test_the_assignee_is_emailed_once(customer, touchpoint, manager):
    touchpoint.owner = manager
    touchpoint.save()
    case = open_case(customer, touchpoint)
    assert case_assignment_notify(case_id=case.pk) is True
    assert case_assignment_notify(case_id=case.pk) is False
    outbox_deliver_due()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert f"/cases/{case.pk}/" in mail.outbox[0].body


def test_frontline_sees_only_their_own_cases(client_for, customer, touchpoint, manager, frontline):
    touchpoint.owner = manager
    touchpoint.save()
    managers_case = open_case(customer, touchpoint, source_key="m")
    touchpoint.owner = frontline
    touchpoint.save()
    own_case = open_case(customer, touchpoint, source_key="f")

    page = client_for(frontline).get("/cases/?status=all").content.decode()
    assert f"/cases/{own_case.pk}/" in page
    assert f"/cases/{managers_case.pk}/" not in page
    assert client_for(frontline).get(f"/cases/{managers_case.pk}/").status_code == 404
    assert client_for(frontline).get(f"/cases/{own_case.pk}/").status_code == 200

    everything = client_for(manager).get("/cases/?status=all").content.decode()
    assert f"/cases/{own_case.pk}/" in everything and f"/cases/{managers_case.pk}/" in everything


def test_overdue_cases_are_flagged(client_for, customer, touchpoint, manager):
    open_case(customer, touchpoint)
    FollowUpCase.objects.update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert "Myöhässä" in client_for(manager).get("/cases/").content.decode()


def test_case_pages_refuse_other_companies_and_anonymous(client_for, anonymous_client, outsider, customer, touchpoint):
    case = open_case(customer, touchpoint)
    assert client_for(outsider).get(f"/cases/{case.pk}/").status_code == 404
    assert client_for(outsider).post(f"/cases/{case.pk}/", {"action": "resolve", "note": "x"}).status_code == 404
    assert anonymous_client.get("/cases/").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_resolving_from_the_page(client_for, customer, touchpoint, frontline):
    touchpoint.owner = frontline
    touchpoint.save()
    case = open_case(customer, touchpoint)
    client = client_for(frontline)
    assert client.post(f"/cases/{case.pk}/", {"action": "resolve", "note": ""}).status_code == 400
    response = client.post(f"/cases/{case.pk}/", {"action": "resolve", "note": "Pahoittelin ja korjasimme"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolved_by) == (CaseStatus.RESOLVED, frontline)
    assert client.post(f"/cases/{case.pk}/", {"action": "reassign", "assignee": frontline.pk}).status_code == 400
