"""The roll-up refresh on a real worker: in the right company only, and safe when delivered twice at once."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.journeys.models import ServicePath
from apps.metrics.formulas import SCORE_FIELDS
from apps.metrics.models import DailyRollup, DirtyMark, RecomputeRun
from apps.metrics.services import metrics_refresh_dirty
from apps.metrics.tasks import metrics_refresh
from apps.surveys.models import Survey
from apps.tenants.models import Tenant
from apps.tenants.services import company_update_settings
from tests.factories import CustomerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build
from tests.waiting import wait_until

pytestmark = pytest.mark.worker

TIMEOUT = 60
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def rows_of(touchpoint_id: int) -> list[tuple[Any, ...]]:
    return sorted(
        DailyRollup.objects.filter(touchpoint_id=touchpoint_id).values_list("day", "grain", *SCORE_FIELDS), key=repr
    )


def feedback_commit(committed: Any, *, tag: str, answers: int, start: dt.datetime = START) -> int:
    """Committed answers at one touchpoint of alpha, from `start` on; removed after the test, with the
    roll-ups and the records of full recomputes made meanwhile."""
    since = timezone.now()
    path = map_build(name=f"Polku {tag}", stages={"Käynti": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    customer = CustomerFactory(full_name="Työntekijätesti", email=committed.email("customer"))
    survey = scored_survey_build()
    for number in range(answers):
        at = start + dt.timedelta(days=number % 9, hours=number % 7)
        encounter = encounter_add(customer=customer, touchpoint=touchpoint, at=at, end_feeling=number % 5 - 2)
        invitation = invitation_answer(
            invitation=invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at),
            at=at + dt.timedelta(hours=2),
            scores={"nps": number % 11, "csat": number % 5 + 1},
        )
        assert invitation

    def cleanup() -> None:
        with schema_context("alpha"):
            customer.responses.all().delete()
            customer.invitations.all().delete()
            customer.encounters.all().delete()
            customer.delete()
            ServicePath.objects.filter(pk=path.pk).delete()
            Survey.objects.filter(pk=survey.pk).delete()
            # The deletes left marks: refreshing them empties every grain of those days, the ones
            # without a touchpoint and the weeks and months too, so no later test reads these answers.
            metrics_refresh_dirty()
            RecomputeRun.objects.filter(started_at__gte=since).delete()

    committed.on_teardown(cleanup)
    return touchpoint.pk


def test_refresh_delivered_twice_at_once_gives_the_full_recompute_and_stays_in_its_company(
    celery_worker: Any, committed: Any
) -> None:
    with schema_context("alpha"):
        touchpoint_id = feedback_commit(committed, tag=committed.tag, answers=60)
        assert DirtyMark.objects.filter(touchpoint_id=touchpoint_id).exists()
        first, second = metrics_refresh.delay(), metrics_refresh.delay()
    with schema_context("beta"):
        beta = metrics_refresh.delay()
    first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT), beta.get(timeout=TIMEOUT)

    with schema_context("alpha"):
        assert not DirtyMark.objects.filter(touchpoint_id=touchpoint_id).exists()
        refreshed = rows_of(touchpoint_id)
        total = DailyRollup.objects.filter(touchpoint_id=touchpoint_id, grain="tp").values_list("nps_n", flat=True)
        assert sum(total) == 60
    with schema_context("beta"):
        assert not DailyRollup.objects.filter(touchpoint_id=touchpoint_id).exists()

    # What a from-scratch rebuild of alpha gives for the same touchpoint.
    with schema_context("alpha"):
        from apps.metrics.services import metrics_recompute_full

        metrics_recompute_full()
        assert rows_of(touchpoint_id) == refreshed


def test_a_new_company_time_zone_rebuilds_the_rollups_on_the_worker(celery_worker: Any, committed: Any) -> None:
    """A visit at 22:30 UTC on 1 March, answered two hours later, is 2 March in Helsinki and 1 March in
    New York, once the company's zone changes."""
    tenant = Tenant.objects.get(schema_name="alpha")
    committed.on_teardown(lambda: Tenant.objects.filter(pk=tenant.pk).update(time_zone=tenant.time_zone))
    with schema_context("alpha"):
        start = dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
        touchpoint_id = feedback_commit(committed, tag=committed.tag, answers=1, start=start)
        metrics_refresh_dirty()
        assert DailyRollup.objects.get(grain="tp", touchpoint_id=touchpoint_id).day == dt.date(2026, 3, 2)

    company_update_settings(tenant=tenant, name=tenant.name, language=tenant.language, time_zone="America/New_York")

    with schema_context("alpha"):
        wait_until(
            RecomputeRun.objects.filter(trigger="time-zone", finished_at__isnull=False).exists,
            timeout=TIMEOUT,
            message="the worker to finish the time-zone recompute",
            detail=celery_worker.log,
        )
        assert DailyRollup.objects.get(grain="tp", touchpoint_id=touchpoint_id).day == dt.date(2026, 3, 1)
    with schema_context("beta"):
        assert not RecomputeRun.objects.filter(trigger="time-zone").exists()
