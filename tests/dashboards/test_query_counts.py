"""The dashboard, path and touchpoint pages as a manager: at most 15 queries (the dashboard 16 once the company
has initiatives), exactly one SET search_path, with a small company and with one of more paths, stages,
touchpoints, personas, segments, answers, cases and initiatives."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.encounters.models import Encounter
from apps.initiatives.services import initiative_create
from apps.journeys.models import Touchpoint
from apps.metrics.services import metrics_refresh_dirty
from apps.pos.models import PointAnswer
from apps.pos.services import open_link_get_or_create
from apps.surveys.models import QuestionType, ResponseSource
from apps.surveys.responses import response_record_open, response_submit
from tests.dashboards.test_views import _visit, client_for, world  # noqa: F401 - fixtures
from tests.factories import FollowUpCaseFactory, PersonaFactory, SegmentFactory
from tests.journeys.factories import map_build
from tests.metrics.factories import encounter_add, invitation_deliver
from tests.surveys.test_follow_ups import depth_survey_build

pytestmark = pytest.mark.django_db

# A manager's location scope (apps/accounts/scope.py) is read with the signed-in user, in the same
# query (apps/accounts/backends.py), not on its own. The count must not grow with the data.
MAX_QUERIES = 15
# The company dashboard also lists the running and recent initiatives with their verdicts: one
# statement more (apps/initiatives/selectors.py, initiative_card), however many there are; none while the
# company has no initiative (a cached flag).
MAX_QUERIES_BY_PAGE = {"dashboard": MAX_QUERIES + 1}


def _pages(company: dict[str, Any]) -> dict[str, str]:
    return {
        "dashboard": reverse("dashboards:company"),
        "path": reverse("dashboards:path", args=[company["path"].pk]),
        "touchpoint": reverse("dashboards:touchpoint", args=[company["leaving"].pk]),
    }


def _counts(client: Any, urls: dict[str, str]) -> dict[str, tuple[int, int]]:
    """{page: (queries, SET search_path statements)} of a second visit (the first warms the session)."""
    counts = {}
    for name, url in urls.items():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        sets = sum(1 for query in queries.captured_queries if query["sql"].startswith("SET search_path"))
        counts[name] = (len(queries), sets)
    return counts


def _grow(company: dict[str, Any], manager: Any) -> None:
    """Four more paths of 5 stages and 3 touchpoints each, with answers, personas, segments and cases."""
    personas = PersonaFactory.create_batch(4)
    segments = SegmentFactory.create_batch(4)
    customer = company["customer"]
    for number in range(4):
        path = map_build(
            name=f"Polku {number}",
            stages={f"Vaihe {i}": [f"Piste {number}-{i}-{j}" for j in range(3)] for i in range(5)},
        )
        for day, touchpoint in enumerate(Touchpoint.objects.filter(stage__path=path)):
            if day % 2:
                touchpoint.owner = manager
                touchpoint.save(update_fields=["owner"])
            customer.persona = personas[day % 4]
            customer.segment = segments[(day + number) % 4]
            customer.save(update_fields=["persona", "segment"])
            _visit(company, touchpoint=touchpoint, days_ago=day + 1, nps=day % 11, csat=day % 5 + 1)
    for encounter in Encounter.objects.filter(touchpoint=company["leaving"])[:5]:
        FollowUpCaseFactory(
            customer=customer,
            touchpoint=encounter.touchpoint,
            encounter=encounter,
            reason_text="Soita takaisin",
            assignee=manager,
            due_at=timezone.now() - dt.timedelta(days=1),
        )
    Encounter.objects.filter(touchpoint__stage__path__name__startswith="Polku").update(raised_to_management=True)
    metrics_refresh_dirty()
    for number, touchpoint in enumerate(Touchpoint.objects.filter(stage__path__name__startswith="Polku")[:4]):
        initiative_create(
            acting_user=manager,
            title=f"Parannus {number}",
            owner=manager,
            touchpoints=[touchpoint, company["leaving"]],
            started_on=timezone.localdate() - dt.timedelta(days=3 + number),
        )


def test_each_page_stays_within_15_queries_and_one_set_search_path(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    cache.clear()
    client = client_for(manager)
    urls = _pages(world)
    small = _counts(client, urls)
    _grow(world, manager)
    grown = _counts(client, urls)
    for name in urls:
        # A company without initiatives: every page within the bar, the dashboard's card asks nothing.
        assert small[name][0] <= MAX_QUERIES, (name, small[name])
        assert small[name][1] == 1, (name, small[name])
        assert grown[name][0] <= MAX_QUERIES_BY_PAGE.get(name, MAX_QUERIES), (name, grown[name])
        # The grown company has initiatives: the dashboard's card is its one statement more.
        extra = 1 if name == "dashboard" else 0
        assert grown[name] == (small[name][0] + extra, small[name][1]), (name, small[name], grown[name])


def test_the_point_of_service_card_costs_one_query_and_none_without_links_or_kiosks(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    """The card's "has open links or kiosks" flag is cached (both answers); its figures are one query."""
    cache.clear()
    client = client_for(manager)
    dashboard = {"dashboard": reverse("dashboards:company")}
    without = _counts(client, dashboard)["dashboard"]
    link = open_link_get_or_create(touchpoint=world["leaving"], location=None, created_by=manager)
    nps_question = world["survey"].questions.get(type=QuestionType.NPS)
    for number in range(3):
        at = timezone.now() - dt.timedelta(days=number + 1)
        response = response_record_open(
            survey=world["survey"],
            touchpoint=world["leaving"],
            source=ResponseSource.QR,
            raw_answers={f"q{nps_question.pk}": str(8 + number)},
            language="fi",
            now=at,
        )
        PointAnswer.objects.create(
            response=response,
            open_link=link,
            touchpoint=world["leaving"],
            address_hash=f"osoite-{number}",
            submitted_at=at,
        )
    with_card = _counts(client, dashboard)["dashboard"]
    assert with_card[0] == without[0] + 1 and with_card[1] == 1, (without, with_card)
    assert with_card[0] <= MAX_QUERIES_BY_PAGE["dashboard"] + 1, with_card
    cache.clear()


def test_the_choice_answers_cost_one_query_and_none_at_a_touchpoint_without_them(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    """The set of touchpoints with choice or yes/no answers is cached; the section's figures are one statement."""
    cache.clear()
    client = client_for(manager)
    touchpoint = {"touchpoint": reverse("dashboards:touchpoint", args=[world["leaving"].pk])}
    without = _counts(client, touchpoint)["touchpoint"]
    survey = depth_survey_build()
    keys = {question.position: f"q{question.pk}" for question in survey.questions.all()}
    for number in range(3):
        at = timezone.now() - dt.timedelta(days=number + 1)
        encounter = encounter_add(customer=world["customer"], touchpoint=world["leaving"], at=at)
        invitation = invitation_deliver(survey=survey, customer=world["customer"], encounter=encounter, at=at)
        response_submit(invitation_id=invitation.pk, raw_answers={keys[1]: "9", keys[3]: str(number % 2)}, now=at)
    with_section = _counts(client, touchpoint)["touchpoint"]
    assert with_section[0] == without[0] + 1 and with_section[1] == 1, (without, with_section)
    assert with_section[0] <= MAX_QUERIES, with_section
    # Another touchpoint of the same company, without such answers: nothing asked for them.
    other = {"touchpoint": reverse("dashboards:touchpoint", args=[world["check"].pk])}
    assert _counts(client, other)["touchpoint"][0] == without[0]
    cache.clear()
