"""A company with one path of two touchpoints, two stations and answers built to known counts."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest
from django.conf import settings

from apps.customers.services import customer_create
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.surveys.models import Response, ResponseSource
from apps.tenants.selectors import company_day_start, company_today
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build


@pytest.fixture
def client_for(client_for: Any) -> Any:
    """The pages in English, so the assertions read the source strings (a test switches to Finnish)."""

    def build(*args: Any, language: str = "en", **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return build


class Answers:
    """Writes invited answers (or point-of-service ones) on a local day at a touchpoint and station."""

    def __init__(self) -> None:
        self.survey = scored_survey_build()
        self.customer = customer_create(full_name="Maija Mittari", email="maija@example.fi")

    def add(
        self,
        *,
        day: dt.date,
        touchpoint: Touchpoint,
        location: Location | None,
        scores: Iterable[int],
        customer: Any = None,
        source: str = ResponseSource.INVITED,
        kind: str = "nps",
    ) -> None:
        at = company_day_start(day) + dt.timedelta(hours=12)
        customer = customer or self.customer
        for score in scores:
            encounter = encounter_add(customer=customer, touchpoint=touchpoint, at=at, location=location)
            invitation = invitation_deliver(survey=self.survey, customer=customer, encounter=encounter, at=at)
            response = invitation_answer(invitation=invitation, at=at, scores={kind: score})
            if source != ResponseSource.INVITED:
                Response.objects.filter(pk=response.pk).update(source=source, invitation=None)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    path = map_build(name="Asiointi", stages={"Käynti": ["Kassa", "Nouto"]})
    return {
        "today": company_today(),
        "checkout": touchpoint_named(path, "Kassa"),
        "pickup": touchpoint_named(path, "Nouto"),
        "north": location_build(name="Pohjoinen asema", code="POHJ"),
        "south": location_build(name="Eteläinen asema", code="ETEL"),
        "answers": Answers(),
    }


def scores(*, promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors
