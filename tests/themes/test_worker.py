"""A real Celery worker tags an answer's comment when it is recorded, and retags a theme after a change
(committed rows in company alpha; removed afterwards)."""

from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from apps.journeys.models import ServicePath
from apps.surveys.models import Survey
from apps.surveys.responses import response_submit
from apps.tenants.models import Tenant
from apps.themes.models import Theme, ThemeTag
from apps.themes.services import theme_create, theme_update
from tests.factories import CustomerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_deliver, scored_survey_build
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
TIMEOUT = 90


def test_the_worker_tags_on_arrival_and_retags_after_a_change(celery_worker: Any, committed: Any) -> None:
    with tenant_context(Tenant.objects.get(schema_name="alpha")):
        path = map_build(name=f"Teemapolku {committed.tag}", stages={"Käynti": ["Tarkastus"]})
        touchpoint = touchpoint_named(path, "Tarkastus")
        customer = CustomerFactory(full_name="Teematesti", email=committed.email("customer"))
        survey = scored_survey_build()
        theme = theme_create(name=f"Jonotus {committed.tag}", terms=["jono"])

        def cleanup() -> None:
            with schema_context("alpha"):
                Theme.objects.filter(pk=theme.pk).delete()
                customer.responses.all().delete()
                customer.invitations.all().delete()
                customer.encounters.all().delete()
                customer.delete()
                ServicePath.objects.filter(pk=path.pk).delete()
                Survey.objects.filter(pk=survey.pk).delete()

        committed.on_teardown(cleanup)
        wait_until(
            lambda: not Theme.objects.get(pk=theme.pk).is_retagging, timeout=TIMEOUT, message="the first run ended"
        )
        encounter = encounter_add(customer=customer, touchpoint=touchpoint, at=timezone.now())
        invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=timezone.now())
        text = survey.questions.get(type="text")
        nps = survey.questions.get(type="nps")
        response = response_submit(
            invitation_id=invitation.pk, raw_answers={f"q{text.pk}": "Jonossa meni tunti", f"q{nps.pk}": "8"}
        )
        wait_until(
            lambda: ThemeTag.objects.filter(theme=theme, response=response).exists(),
            timeout=TIMEOUT,
            message="the worker tagged the arriving comment",
        )
        theme = theme_update(theme=theme, terms=["tunti"])
        wait_until(lambda: not Theme.objects.get(pk=theme.pk).is_retagging, timeout=TIMEOUT, message="the retag ended")
        assert ThemeTag.objects.filter(theme=theme, response=response).count() == 1
        theme = theme_update(theme=theme, terms=["hinta"])
        wait_until(
            lambda: not ThemeTag.objects.filter(theme=theme).exists(), timeout=TIMEOUT, message="the old tags went"
        )
        assert not Theme.objects.get(pk=theme.pk).is_retagging
