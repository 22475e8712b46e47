"""A small service path, a customer, and an encounter builder for the encounter tests."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.encounters.services import encounter_log
from tests.journeys.factories import map_build, touchpoint_named


class Fresh:
    """What a test added: rows committed by other suites (worker tests) may sit in the same schema."""

    def __init__(self) -> None:
        self.customer_ids = set(Customer.objects.values_list("pk", flat=True))
        self.encounter_ids = set(Encounter.objects.values_list("pk", flat=True))

    def customers(self) -> Any:
        return Customer.objects.exclude(pk__in=self.customer_ids)

    def encounters(self) -> Any:
        return Encounter.objects.exclude(pk__in=self.encounter_ids)


@pytest.fixture(autouse=True)
def fresh(db: None) -> Fresh:
    return Fresh()


@pytest.fixture
def path(db: None) -> Any:
    return map_build(stages={"Saapuminen": ["Vastaanotto"], "Katsastus": ["Tarkastus", "Tuloksen kertominen"]})


@pytest.fixture
def touchpoint(path: Any) -> Any:
    return touchpoint_named(path, "Vastaanotto")


@pytest.fixture
def other_touchpoint(path: Any) -> Any:
    return touchpoint_named(path, "Tarkastus")


@pytest.fixture
def customer(db: None) -> Any:
    return customer_create(full_name="Maija Meikäläinen", email="maija@example.fi", phone="040 123 4567")


def log(*, by: Any, customer: Any, touchpoint: Any, ago: dt.timedelta = dt.timedelta(hours=1), **fields: Any) -> Any:
    fields.setdefault("outcome", "resolved")
    return encounter_log(
        logged_by=by, customer=customer, touchpoint=touchpoint, occurred_at=timezone.now() - ago, **fields
    )
