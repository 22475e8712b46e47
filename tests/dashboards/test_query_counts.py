"""The dashboard, path and touchpoint pages as a manager: at most 16 queries (the dashboard 17), exactly one
SET search_path, with a small company and with one of more paths, stages, touchpoints, personas, segments,
answers, cases and initiatives."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.encounters.models import Encounter
from apps.initiatives.services import initiative_create
from apps.journeys.models import Touchpoint
from apps.metrics.services import metrics_refresh_dirty
from tests.dashboards.test_views import _visit, client_for, world  # noqa: F401 - fixtures
from tests.factories import FollowUpCaseFactory, PersonaFactory, SegmentFactory
from tests.journeys.factories import map_build

pytestmark = pytest.mark.django_db

# 16 since a manager's location scope is read once per request (apps/accounts/scope.py): what the
# menu and the capabilities offer a manager depends on it. The count must not grow with the data.
MAX_QUERIES = 16
# The company dashboard also lists the running and recent initiatives with their verdicts: one
# statement more (apps/initiatives/selectors.py, initiative_card), however many there are.
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


def test_each_page_stays_within_16_queries_and_one_set_search_path(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    client = client_for(manager)
    urls = _pages(world)
    small = _counts(client, urls)
    _grow(world, manager)
    grown = _counts(client, urls)
    for name in urls:
        assert small[name][0] <= MAX_QUERIES_BY_PAGE.get(name, MAX_QUERIES), (name, small[name])
        assert small[name][1] == 1, (name, small[name])
        assert grown[name] == small[name], (name, small[name], grown[name])
