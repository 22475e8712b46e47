"""The onboarding checklist on the start page: its states, who sees it, the cached "complete" flag, per company."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.journeys.services.ownership import touchpoint_assign_owner
from apps.onboarding.selectors import company_setup_get, complete_cache_key, onboarding_setup_pending
from apps.onboarding.services import starter_offer_skip
from apps.surveys.models import Invitation, InvitationStatus
from apps.surveys.responses import response_submit
from apps.surveys.sending import invitations_schedule_from_encounters
from apps.surveys.services import survey_touchpoints_set
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import survey_build

pytestmark = pytest.mark.django_db

START = "Your company is still empty"
CHECKLIST = "Getting started"


@pytest.fixture(autouse=True)
def _no_cached_flag(tenant_alpha: Any, tenant_beta: Any) -> Iterator[None]:
    """The flag lives in Redis, outside the test's transaction: none before, none left behind."""
    for tenant in (tenant_alpha, tenant_beta):
        with tenant_context(tenant):
            cache.delete(complete_cache_key())
    yield
    for tenant in (tenant_alpha, tenant_beta):
        with tenant_context(tenant):
            cache.delete(complete_cache_key())


def _reads(queries: CaptureQueriesContext) -> list[str]:
    """The statements run, less the schema switch the connection makes after the fixture's."""
    return [query["sql"] for query in queries if not query["sql"].startswith("SET search_path")]


def _home(client: Any) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _answer_received(*, by: Any, touchpoint: Any) -> None:
    survey = survey_build()
    survey_touchpoints_set(survey=survey, delays={touchpoint.pk: 60})
    customer = customer_create(full_name="Maija Meikäläinen", email="maija@example.fi")
    encounter = encounter_log(
        logged_by=by,
        customer=customer,
        touchpoint=touchpoint,
        occurred_at=timezone.now() - dt.timedelta(hours=5),
        outcome="resolved",
        survey_agreed=True,
    )
    now = timezone.now()
    invitations_schedule_from_encounters(now=now - dt.timedelta(hours=4))
    invitation = Invitation.objects.get(encounter=encounter)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SENT, sent_at=now - dt.timedelta(hours=3), expires_at=now + dt.timedelta(days=7)
    )
    question = survey.questions.order_by("position").first()
    response_submit(invitation_id=invitation.pk, raw_answers={f"q{question.pk}": "9"}, now=now - dt.timedelta(hours=2))


def test_states_step_by_step(manager: Any, frontline: Any) -> None:
    setup = company_setup_get()
    assert not (setup.has_path or setup.owners_done or setup.has_follow_up_survey or setup.has_answer)
    assert setup.starter_offer_open

    path = map_build(stages={"Saapuminen": ["Vastaanotto"], "Katsastus": ["Tarkastus"]})
    setup = company_setup_get()
    assert setup.has_path and not setup.owners_done and not setup.starter_offer_open

    touchpoint = touchpoint_named(path, "Vastaanotto")
    touchpoint_assign_owner(touchpoint=touchpoint, owner=manager, acting_user=manager)
    assert not company_setup_get().owners_done
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "Tarkastus"), owner=manager, acting_user=manager)
    assert company_setup_get().owners_done

    _answer_received(by=frontline, touchpoint=touchpoint)
    setup = company_setup_get()
    assert setup.has_follow_up_survey and setup.has_answer and setup.complete


def test_setup_is_read_in_one_query_and_not_at_all_once_complete(manager: Any, frontline: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert onboarding_setup_pending() is not None
    assert len(_reads(queries)) == 1

    path = map_build(stages={"Saapuminen": ["Vastaanotto"]})
    touchpoint = touchpoint_named(path, "Vastaanotto")
    touchpoint_assign_owner(touchpoint=touchpoint, owner=manager, acting_user=manager)
    _answer_received(by=frontline, touchpoint=touchpoint)
    assert onboarding_setup_pending() is None
    with CaptureQueriesContext(connection) as queries:
        assert onboarding_setup_pending() is None
    assert _reads(queries) == []


def test_the_complete_flag_of_one_company_is_not_anothers(manager: Any, frontline: Any, tenant_beta: Any) -> None:
    path = map_build(stages={"Saapuminen": ["Vastaanotto"]})
    touchpoint = touchpoint_named(path, "Vastaanotto")
    touchpoint_assign_owner(touchpoint=touchpoint, owner=manager, acting_user=manager)
    _answer_received(by=frontline, touchpoint=touchpoint)
    assert onboarding_setup_pending() is None
    with tenant_context(tenant_beta):
        assert cache.get(complete_cache_key()) is None
        assert onboarding_setup_pending() is not None


def test_admin_of_an_empty_company_is_offered_the_templates(client_for: Any, company_admin: Any) -> None:
    page = _home(client_for(company_admin))
    assert START in page and reverse("onboarding:template_list") in page
    assert reverse("onboarding:offer_skip") in page
    assert "0 of 4 done" in page


def test_manager_sees_the_checklist_but_no_offer(client_for: Any, manager: Any) -> None:
    page = _home(client_for(manager))
    assert CHECKLIST in page and START not in page
    assert reverse("onboarding:template_list") not in page
    assert reverse("journeys:path_list") in page and reverse("journeys:ownership") in page


def test_frontline_sees_neither(client_for: Any, frontline: Any) -> None:
    page = _home(client_for(frontline))
    assert CHECKLIST not in page and START not in page


def test_after_skipping_the_admin_sees_the_checklist(client_for: Any, company_admin: Any) -> None:
    starter_offer_skip(acting_user=company_admin)
    page = _home(client_for(company_admin))
    assert START not in page and CHECKLIST in page
    assert "Industry templates" in page


def test_items_done_are_marked_and_their_links_go(client_for: Any, manager: Any) -> None:
    path = map_build(stages={"Saapuminen": ["Vastaanotto"]})
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "Vastaanotto"), owner=manager, acting_user=manager)
    page = _home(client_for(manager))
    assert "2 of 4 done" in page
    assert page.count("checklist__item--done") == 2
    assert reverse("journeys:ownership") not in page.split('id="onboarding-title"')[1].split("</section>")[0]
    assert reverse("surveys:home") in page


def test_checklist_disappears_when_all_done(client_for: Any, manager: Any, frontline: Any) -> None:
    path = map_build(stages={"Saapuminen": ["Vastaanotto"]})
    touchpoint = touchpoint_named(path, "Vastaanotto")
    touchpoint_assign_owner(touchpoint=touchpoint, owner=manager, acting_user=manager)
    _answer_received(by=frontline, touchpoint=touchpoint)
    page = _home(client_for(manager))
    assert CHECKLIST not in page and "checklist" not in page
